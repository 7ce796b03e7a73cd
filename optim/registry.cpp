// The optimizer registry, with the built-ins added on first use rather than by static
// initialisers (which a static library's linker may drop, as for ops/registry.cpp).
#include "optim/registry.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>

#include "optim/adadelta.hpp"
#include "optim/adagrad.hpp"
#include "optim/adam.hpp"
#include "optim/adamax.hpp"
#include "optim/adamw.hpp"
#include "optim/lbfgs.hpp"
#include "optim/nadam.hpp"
#include "optim/radam.hpp"
#include "optim/rmsprop.hpp"
#include "optim/sgd.hpp"

namespace xgrad::optim {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, OptimizerFactory> factories;
};

Registry& registry() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] {
    r.factories = {
        {"sgd", factory_of<SGD>()},         {"adam", factory_of<Adam>()},
        {"adamw", factory_of<AdamW>()},     {"rmsprop", factory_of<RMSprop>()},
        {"adagrad", factory_of<Adagrad>()}, {"adadelta", factory_of<Adadelta>()},
        {"nadam", factory_of<NAdam>()},     {"radam", factory_of<RAdam>()},
        {"adamax", factory_of<Adamax>()},   {"lbfgs", factory_of<LBFGS>()},
    };
  });
  return r;
}

std::vector<std::string> names_locked(const Registry& r) {
  std::vector<std::string> names;
  for (const auto& entry : r.factories) names.push_back(entry.first);
  return names;
}

}  // namespace

bool register_optimizer(const std::string& name, OptimizerFactory factory) {
  if (name.empty()) throw ValueError("register_optimizer: the optimizer needs a name");
  if (!factory) {
    throw ValueError(fmt::format("register_optimizer: optimizer '{}' has no factory", name));
  }
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.factories.count(name)) {
    throw ValueError(fmt::format(
        "register_optimizer: an optimizer named '{}' is already registered; pick another name",
        name));
  }
  r.factories.emplace(name, std::move(factory));
  return true;
}

std::vector<std::string> optimizer_names() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return names_locked(r);
}

std::unique_ptr<Optimizer> make(const std::string& name, std::vector<ParamGroup> groups,
                                const OptionMap& options) {
  OptimizerFactory factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(name);
    if (it == r.factories.end()) {
      throw ValueError(fmt::format("optim::make: no optimizer named '{}'; registered: {}", name,
                                   fmt::join(names_locked(r), ", ")));
    }
    factory = it->second;  // called outside the lock: a factory may itself use the registry
  }
  return factory(std::move(groups), options);
}

std::unique_ptr<Optimizer> make(const std::string& name, std::vector<Tensor> params,
                                const OptionMap& options) {
  std::vector<ParamGroup> groups;
  groups.emplace_back(std::move(params));
  return make(name, std::move(groups), options);
}

}  // namespace xgrad::optim
