#include "optim/regularizer_registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <mutex>

#include "core/error.hpp"

namespace xgrad::optim {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, RegularizerFactory> factories;  // sorted, so names are too
};

void add_locked(Registry& r, const std::string& name, RegularizerFactory factory) {
  if (name.empty()) throw ValueError("register_regularizer: the regularizer needs a name");
  if (!factory) {
    throw ValueError(fmt::format("register_regularizer: '{}' has no factory", name));
  }
  if (r.factories.count(name)) {
    throw ValueError(fmt::format(
        "register_regularizer: a regularizer named '{}' is already registered; pick another name",
        name));
  }
  r.factories.emplace(name, std::move(factory));
}

void add_builtins(Registry& r) {
  add_locked(r, "l1", [](const OptionMap& o) {
    return std::make_unique<L1>(regularizer_options_from_map(o, "make_regularizer(\"l1\")"));
  });
  add_locked(r, "l2", [](const OptionMap& o) {
    return std::make_unique<L2>(regularizer_options_from_map(o, "make_regularizer(\"l2\")"));
  });
  for (const char* name : {"elastic_net", "elasticnet"}) {
    const std::string who = fmt::format("make_regularizer(\"{}\")", name);
    add_locked(r, name, [who](const OptionMap& o) {
      return std::make_unique<ElasticNet>(elastic_net_options_from_map(o, who));
    });
  }
}

// Built-ins are added on first use rather than by static initialisers, which the linker may
// drop from a static library; user registrars live in the user's own objects and are kept.
Registry& registry() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] { add_builtins(r); });
  return r;
}

std::vector<std::string> names_locked(const Registry& r) {
  std::vector<std::string> names;
  for (const auto& entry : r.factories) names.push_back(entry.first);
  return names;
}

/// Reads `key` with `read` (an OptionValue accessor) into `out` if present; a type error is
/// rethrown naming `who` and the valid keys.
template <class T, class Read>
void read_option(const OptionMap& options, const char* key, T& out, Read read,
                 const std::string& who, const std::vector<std::string>& valid) {
  auto it = options.find(key);
  if (it == options.end()) return;
  try {
    out = read(it->second, key);
  } catch (const ValueError& e) {
    throw ValueError(
        fmt::format("{}: {}; valid options: {}", who, e.what(), fmt::join(valid, ", ")));
  }
}

double as_number(const OptionValue& v, const char* key) {
  return v.as_double(key);
}
bool as_flag(const OptionValue& v, const char* key) {
  return v.as_bool(key);
}

}  // namespace

RegularizerOptions regularizer_options_from_map(const OptionMap& options, const std::string& who) {
  const std::vector<std::string> valid = {"lambda", "skip_1d"};
  check_option_keys(options, valid, who);
  double lambda = 0.0;
  bool skip_1d = false;
  read_option(options, "lambda", lambda, as_number, who, valid);
  read_option(options, "skip_1d", skip_1d, as_flag, who, valid);
  return RegularizerOptions(lambda).skip_1d(skip_1d);
}

ElasticNetOptions elastic_net_options_from_map(const OptionMap& options, const std::string& who) {
  const std::vector<std::string> valid = {"alpha", "lambda", "skip_1d"};
  check_option_keys(options, valid, who);
  double lambda = 0.0, alpha = ElasticNetOptions().alpha();
  bool skip_1d = false;
  read_option(options, "lambda", lambda, as_number, who, valid);
  read_option(options, "alpha", alpha, as_number, who, valid);
  read_option(options, "skip_1d", skip_1d, as_flag, who, valid);
  return ElasticNetOptions(lambda).alpha(alpha).skip_1d(skip_1d);
}

void register_regularizer(const std::string& name, RegularizerFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  add_locked(r, name, std::move(factory));
}

std::unique_ptr<Regularizer> make_regularizer(const std::string& name, const OptionMap& options) {
  RegularizerFactory factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(name);
    if (it == r.factories.end()) {
      throw ValueError(fmt::format("make_regularizer: no regularizer named '{}'; registered: {}",
                                   name, fmt::join(names_locked(r), ", ")));
    }
    factory = it->second;  // a copy, so a factory may itself use the registry
  }
  auto reg = factory(options);
  if (!reg) {
    throw ValueError(fmt::format("make_regularizer: the factory of '{}' returned null", name));
  }
  return reg;
}

std::vector<std::string> regularizer_names() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return names_locked(r);
}

}  // namespace xgrad::optim
