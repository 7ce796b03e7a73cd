#pragma once
// The optimizer registry: a name → factory map, the front door for configuration files,
// command lines and hyperparameter search onto the same classes as typed construction.
//
//   auto opt = xgrad::optim::make("adam", params, {{"lr", 1e-3}, {"betas", {0.9, 0.99}}});
//   XGRAD_REGISTER_OPTIMIZER("lion", Lion);      // at namespace scope, once per program
//
// A registered class must be constructible from (std::vector<ParamGroup>, const OptionMap&);
// every BasicOptimizer is (its options struct reads the map and rejects unknown keys).
// Built-ins ("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "radam",
// "adamax", "lbfgs") are registered on first lookup, so a static library's linker cannot drop
// them.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// Builds an optimizer over groups from name-keyed options.
using OptimizerFactory =
    std::function<std::unique_ptr<Optimizer>(std::vector<ParamGroup>, const OptionMap&)>;

/// The optimizer table (core/registry.hpp), built-ins included; what XGRAD_REGISTER_OPTIMIZER
/// adds to.  Example: optimizer_registry().contains("adam")
Registry<OptimizerFactory>& optimizer_registry();

/// Registers `factory` under `name`; a name already taken is a ValueError.  Returns true (for
/// static registration).  Example: register_optimizer("mysgd", [](auto g, auto& o) { ... });
bool register_optimizer(const std::string& name, OptimizerFactory factory);

/// The registered names, sorted.  Example: for (auto& n : optimizer_names()) std::cout << n;
std::vector<std::string> optimizer_names();

/// The optimizer registered as `name` over one group of `params`; unknown name → ValueError
/// listing the registered ones; unknown or ill-typed option → ValueError listing the valid keys.
/// Example: auto opt = make("sgd", params, {{"lr", 0.1}, {"momentum", 0.9}});
std::unique_ptr<Optimizer> make(const std::string& name, std::vector<Tensor> params,
                                const OptionMap& options = {});

/// As above over parameter groups (each may override options).
/// Example: make("adam", {ParamGroup({w}), ParamGroup({b}, {{"lr", 1e-2}})}, {{"lr", 1e-3}});
std::unique_ptr<Optimizer> make(const std::string& name, std::vector<ParamGroup> groups,
                                const OptionMap& options = {});

/// The factory of a class constructible from (std::vector<ParamGroup>, const OptionMap&).
/// Example: register_optimizer("lion", factory_of<Lion>());
template <class Opt>
OptimizerFactory factory_of() {
  return
      [](std::vector<ParamGroup> groups, const OptionMap& options) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Opt>(std::move(groups), options);
      };
}

}  // namespace xgrad::optim

/// Registers optimizer class `Class` under `name`, at namespace scope, once per program.
/// Example: XGRAD_REGISTER_OPTIMIZER("lion", Lion);
#define XGRAD_REGISTER_OPTIMIZER(name, Class) \
  XGRAD_REGISTER(::xgrad::optim::optimizer_registry(), name, ::xgrad::optim::factory_of<Class>())
