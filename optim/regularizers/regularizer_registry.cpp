#include <xgrad/optim/regularizers/regularizer_registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <mutex>

#include <xgrad/core/error.hpp>

namespace xgrad::optim {
namespace {

void add_builtins(Registry<RegularizerFactory>& r) {
  r.add("l1", [](const OptionMap& o) {
    return std::make_unique<L1>(regularizer_options_from_map(o, "make_regularizer(\"l1\")"));
  });
  r.add("l2", [](const OptionMap& o) {
    return std::make_unique<L2>(regularizer_options_from_map(o, "make_regularizer(\"l2\")"));
  });
  for (const char* name : {"elastic_net", "elasticnet"}) {
    const std::string who = fmt::format("make_regularizer(\"{}\")", name);
    r.add(name, [who](const OptionMap& o) {
      return std::make_unique<ElasticNet>(elastic_net_options_from_map(o, who));
    });
  }
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

// Built-ins are added on first use rather than by static initialisers, which the linker may
// drop from a static library; user registrations live in the user's own objects and are kept.
Registry<RegularizerFactory>& regularizer_registry() {
  static Registry<RegularizerFactory> registry("regularizer");
  static std::once_flag once;
  std::call_once(once, [] { add_builtins(registry); });
  return registry;
}

void register_regularizer(const std::string& name, RegularizerFactory factory) {
  if (name.empty()) throw ValueError("register_regularizer: the regularizer needs a name");
  if (!factory) {
    throw ValueError(fmt::format("register_regularizer: '{}' has no factory", name));
  }
  auto& registry = regularizer_registry();
  if (registry.contains(name)) {
    throw ValueError(fmt::format(
        "register_regularizer: a regularizer named '{}' is already registered; pick another name",
        name));
  }
  registry.add(name, std::move(factory));
}

std::unique_ptr<Regularizer> make_regularizer(const std::string& name, const OptionMap& options) {
  const auto& registry = regularizer_registry();
  const RegularizerFactory* factory = registry.find(name);
  if (!factory) {
    throw ValueError(fmt::format("make_regularizer: no regularizer named '{}'; registered: {}",
                                 name, fmt::join(registry.names(), ", ")));
  }
  auto reg = (*factory)(options);
  if (!reg) {
    throw ValueError(fmt::format("make_regularizer: the factory of '{}' returned null", name));
  }
  return reg;
}

std::vector<std::string> regularizer_names() {
  return regularizer_registry().names();
}

}  // namespace xgrad::optim
