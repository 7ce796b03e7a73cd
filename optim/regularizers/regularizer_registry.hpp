#pragma once
// The regularizer registry: regularizers by name, for configuration files, command lines and
// hyperparameter search. Built in: "l1", "l2", "elastic_net" (alias "elasticnet").
//
//   auto reg = xgrad::optim::make_regularizer("l2", {{"lambda", 1e-4}, {"skip_1d", true}});
//   auto loss = data_loss + reg->penalty(model.parameters());
//
// A user regularizer with a constructor taking `const OptionMap&` registers in one line at
// namespace scope (see docs/schedulers_and_regularization.md):
//
//   XGRAD_REGISTER_REGULARIZER("log_barrier", LogBarrier);
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/optim/options.hpp>
#include <xgrad/optim/regularizers/regularizer.hpp>

namespace xgrad::optim {

/// Makes a regularizer from name-keyed options (throws ValueError on bad options).
using RegularizerFactory = std::function<std::unique_ptr<Regularizer>(const OptionMap&)>;

/// The regularizer table (core/registry.hpp), built-ins included; what
/// XGRAD_REGISTER_REGULARIZER adds to.  Example: regularizer_registry().contains("l2")
Registry<RegularizerFactory>& regularizer_registry();

/// Adds `name`; ValueError when the name is empty or taken, or the factory is missing.
/// Example: register_regularizer("mine", [](const OptionMap& o) { return std::make_unique<Mine>(o);
/// });
void register_regularizer(const std::string& name, RegularizerFactory factory);

/// The regularizer `name` with `options`; ValueError for an unknown name (listing the known
/// ones) or an unknown or ill-typed option (listing the valid keys).
/// Example: auto reg = make_regularizer("elastic_net", {{"lambda", 1e-4}, {"alpha", 0.3}});
std::unique_ptr<Regularizer> make_regularizer(const std::string& name,
                                              const OptionMap& options = {});

/// Every registered name, sorted.  Example: for (auto& n : regularizer_names()) std::cout << n;
std::vector<std::string> regularizer_names();

/// RegularizerOptions from a map with keys lambda (number), skip_1d (bool); `who` names the
/// caller in errors.  Example: L2(regularizer_options_from_map(o, "l2"))
RegularizerOptions regularizer_options_from_map(const OptionMap& options, const std::string& who);
/// ElasticNetOptions from a map with keys lambda, alpha (numbers), skip_1d (bool).
/// Example: ElasticNet(elastic_net_options_from_map(o, "elastic_net"))
ElasticNetOptions elastic_net_options_from_map(const OptionMap& options, const std::string& who);

/// The factory of a regularizer class constructible from `const OptionMap&`.
///   Example: register_regularizer("log_barrier", regularizer_factory_of<LogBarrier>());
template <class Class>
RegularizerFactory regularizer_factory_of() {
  return [](const OptionMap& options) -> std::unique_ptr<Regularizer> {
    return std::make_unique<Class>(options);
  };
}

}  // namespace xgrad::optim

/// Registers `Class` (constructible from `const xgrad::optim::OptionMap&`) under `name`, once
/// per program, at namespace scope.
///   Example: XGRAD_REGISTER_REGULARIZER("log_barrier", LogBarrier);
#define XGRAD_REGISTER_REGULARIZER(name, Class)                \
  XGRAD_REGISTER(::xgrad::optim::regularizer_registry(), name, \
                 ::xgrad::optim::regularizer_factory_of<Class>())
