#pragma once
// Schedulers by name, for configuration files and hyperparameter search. Built in: "step",
// "multistep", "exponential", "cosine", "linear", "onecycle", "plateau" (ReduceLROnPlateau);
// options as the options structs' setters. One loop drives any of them with
// sched->step(metric): "plateau" watches the metric, the others ignore it (needs_metric()
// tells which; "plateau"'s step() without a metric is a ValueError).
//
//   auto sched = xgrad::optim::make_scheduler("cosine", opt, {{"T_max", 100}, {"eta_min", 1e-5}});
//   for (...) { opt.step(); sched->step(); }
//   auto plateau = xgrad::optim::make_scheduler("plateau", opt, {{"patience", 5}});
//   for (...) { train(opt); plateau->step(validation_loss); }
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// Makes a scheduler on `optimizer` from name-keyed options (ValueError on bad options).
using SchedulerFactory =
    std::function<std::unique_ptr<LRScheduler>(Optimizer& optimizer, const OptionMap& options)>;

/// The scheduler table (core/registry.hpp), built-ins included; what XGRAD_REGISTER_SCHEDULER
/// adds to.  Example: scheduler_registry().contains("cosine")
Registry<SchedulerFactory>& scheduler_registry();

/// Adds `name`; ValueError when the name is empty or taken, or the factory is missing.
///   Example: register_scheduler("poly", [](Optimizer& o, const OptionMap& m) { return std::make_unique<Poly>(o, m); });
void register_scheduler(const std::string& name, SchedulerFactory factory);

/// The scheduler `name` on `optimizer`; ValueError for an unknown name (listing the known
/// ones) or an unknown, missing or ill-typed option (listing the valid keys).
/// Example: auto s = make_scheduler("step", opt, {{"step_size", 10}, {"gamma", 0.5}});
std::unique_ptr<LRScheduler> make_scheduler(const std::string& name, Optimizer& optimizer,
                                            const OptionMap& options = {});

/// Every registered name, sorted.  Example: scheduler_names()
std::vector<std::string> scheduler_names();

/// The factory of a scheduler class constructible from (Optimizer&, const OptionMap&).
///   Example: register_scheduler("poly", scheduler_factory_of<PolyLR>());
template <class Class>
SchedulerFactory scheduler_factory_of() {
  return [](Optimizer& opt, const OptionMap& options) -> std::unique_ptr<LRScheduler> {
    return std::make_unique<Class>(opt, options);
  };
}

}  // namespace xgrad::optim

/// Registers `Class` (constructible from `(Optimizer&, const OptionMap&)`) under `name`, at
/// namespace scope.  Example: XGRAD_REGISTER_SCHEDULER("poly", PolyLR);
#define XGRAD_REGISTER_SCHEDULER(name, Class)                \
  XGRAD_REGISTER(::xgrad::optim::scheduler_registry(), name, \
                 ::xgrad::optim::scheduler_factory_of<Class>())
