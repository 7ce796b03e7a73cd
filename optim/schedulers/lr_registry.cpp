#include <xgrad/optim/schedulers/lr_registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <mutex>

#include <xgrad/optim/schedulers/lr_anneal.hpp>
#include <xgrad/optim/schedulers/lr_decay.hpp>
#include <xgrad/optim/schedulers/lr_onecycle.hpp>
#include <xgrad/optim/schedulers/lr_plateau.hpp>

namespace xgrad::optim {
namespace {

/// A factory for scheduler S with options O (O::from_map checks the keys).
template <class S, class O>
SchedulerFactory factory_of() {
  return [](Optimizer& opt, const OptionMap& m) -> std::unique_ptr<LRScheduler> {
    return std::make_unique<S>(opt, O::from_map(m));
  };
}

}  // namespace

// Built-ins are added on first use, not by static initialisers a static library may drop.
Registry<SchedulerFactory>& scheduler_registry() {
  static Registry<SchedulerFactory> registry("scheduler");
  static std::once_flag once;
  std::call_once(once, [] {
    registry.add("step", factory_of<StepLR, StepLROptions>());
    registry.add("multistep", factory_of<MultiStepLR, MultiStepLROptions>());
    registry.add("exponential", factory_of<ExponentialLR, ExponentialLROptions>());
    registry.add("cosine", factory_of<CosineAnnealingLR, CosineAnnealingLROptions>());
    registry.add("linear", factory_of<LinearLR, LinearLROptions>());
    registry.add("onecycle", factory_of<OneCycleLR, OneCycleLROptions>());
    // Steps on a metric: sched->step(metric) (needs_metric() says so).
    registry.add("plateau", factory_of<ReduceLROnPlateau, ReduceLROnPlateauOptions>());
  });
  return registry;
}

void register_scheduler(const std::string& name, SchedulerFactory factory) {
  if (name.empty()) throw ValueError("register_scheduler: the scheduler needs a name");
  if (!factory) throw ValueError(fmt::format("register_scheduler: '{}' has no factory", name));
  auto& registry = scheduler_registry();
  if (registry.contains(name)) {
    throw ValueError(fmt::format(
        "register_scheduler: a scheduler named '{}' is already registered; pick another name",
        name));
  }
  registry.add(name, std::move(factory));
}

std::unique_ptr<LRScheduler> make_scheduler(const std::string& name, Optimizer& optimizer,
                                            const OptionMap& options) {
  const auto& registry = scheduler_registry();
  const SchedulerFactory* factory = registry.find(name);
  if (!factory) {
    throw ValueError(fmt::format("make_scheduler: no scheduler named '{}'; registered: {}", name,
                                 fmt::join(registry.names(), ", ")));
  }
  auto sched = (*factory)(optimizer, options);
  if (!sched) {
    throw ValueError(fmt::format("make_scheduler: the factory of '{}' returned null", name));
  }
  return sched;
}

std::vector<std::string> scheduler_names() {
  return scheduler_registry().names();
}

}  // namespace xgrad::optim
