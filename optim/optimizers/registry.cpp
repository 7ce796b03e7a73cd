// The optimizer registry, with the built-ins added on first use rather than by static
// initialisers (which a static library's linker may drop, as for ops/registry.cpp).
#include <xgrad/optim/optimizers/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <mutex>

#include <xgrad/optim/optimizers/adadelta.hpp>
#include <xgrad/optim/optimizers/adagrad.hpp>
#include <xgrad/optim/optimizers/adam.hpp>
#include <xgrad/optim/optimizers/adamax.hpp>
#include <xgrad/optim/optimizers/adamw.hpp>
#include <xgrad/optim/optimizers/lbfgs.hpp>
#include <xgrad/optim/optimizers/nadam.hpp>
#include <xgrad/optim/optimizers/radam.hpp>
#include <xgrad/optim/optimizers/rmsprop.hpp>
#include <xgrad/optim/optimizers/sgd.hpp>

namespace xgrad::optim {

Registry<OptimizerFactory>& optimizer_registry() {
  static Registry<OptimizerFactory> registry("optimizer");
  static std::once_flag once;
  std::call_once(once, [] {
    registry.add("sgd", factory_of<SGD>());
    registry.add("adam", factory_of<Adam>());
    registry.add("adamw", factory_of<AdamW>());
    registry.add("rmsprop", factory_of<RMSprop>());
    registry.add("adagrad", factory_of<Adagrad>());
    registry.add("adadelta", factory_of<Adadelta>());
    registry.add("nadam", factory_of<NAdam>());
    registry.add("radam", factory_of<RAdam>());
    registry.add("adamax", factory_of<Adamax>());
    registry.add("lbfgs", factory_of<LBFGS>());
  });
  return registry;
}

bool register_optimizer(const std::string& name, OptimizerFactory factory) {
  if (name.empty()) throw ValueError("register_optimizer: the optimizer needs a name");
  if (!factory) {
    throw ValueError(fmt::format("register_optimizer: optimizer '{}' has no factory", name));
  }
  auto& registry = optimizer_registry();
  if (registry.contains(name)) {
    throw ValueError(fmt::format(
        "register_optimizer: an optimizer named '{}' is already registered; pick another name",
        name));
  }
  return registry.add(name, std::move(factory));
}

std::vector<std::string> optimizer_names() {
  return optimizer_registry().names();
}

std::unique_ptr<Optimizer> make(const std::string& name, std::vector<ParamGroup> groups,
                                const OptionMap& options) {
  const auto& registry = optimizer_registry();
  const OptimizerFactory* factory = registry.find(name);
  if (!factory) {
    throw ValueError(fmt::format("optim::make: no optimizer named '{}'; registered: {}", name,
                                 fmt::join(registry.names(), ", ")));
  }
  // Called outside the registry's lock: a factory may itself use the registry.
  return (*factory)(std::move(groups), options);
}

std::unique_ptr<Optimizer> make(const std::string& name, std::vector<Tensor> params,
                                const OptionMap& options) {
  std::vector<ParamGroup> groups;
  groups.emplace_back(std::move(params));
  return make(name, std::move(groups), options);
}

}  // namespace xgrad::optim
