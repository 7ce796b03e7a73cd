#include "optim/lr_registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <mutex>

#include "optim/lr_anneal.hpp"
#include "optim/lr_decay.hpp"
#include "optim/lr_onecycle.hpp"

namespace xgrad::optim {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, SchedulerFactory> factories;
};

void add_locked(Registry& r, const std::string& name, SchedulerFactory factory) {
  if (name.empty()) throw ValueError("register_scheduler: the scheduler needs a name");
  if (!factory) throw ValueError(fmt::format("register_scheduler: '{}' has no factory", name));
  if (r.factories.count(name)) {
    throw ValueError(fmt::format(
        "register_scheduler: a scheduler named '{}' is already registered; pick another name",
        name));
  }
  r.factories.emplace(name, std::move(factory));
}

/// A factory for scheduler S with options O (O::from_map checks the keys).
template <class S, class O>
SchedulerFactory factory_of() {
  return [](Optimizer& opt, const OptionMap& m) -> std::unique_ptr<LRScheduler> {
    return std::make_unique<S>(opt, O::from_map(m));
  };
}

// Built-ins are added on first use, not by static initialisers a static library may drop.
Registry& registry() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] {
    add_locked(r, "step", factory_of<StepLR, StepLROptions>());
    add_locked(r, "multistep", factory_of<MultiStepLR, MultiStepLROptions>());
    add_locked(r, "exponential", factory_of<ExponentialLR, ExponentialLROptions>());
    add_locked(r, "cosine", factory_of<CosineAnnealingLR, CosineAnnealingLROptions>());
    add_locked(r, "linear", factory_of<LinearLR, LinearLROptions>());
    add_locked(r, "onecycle", factory_of<OneCycleLR, OneCycleLROptions>());
  });
  return r;
}

std::vector<std::string> names_locked(const Registry& r) {
  std::vector<std::string> names;
  for (const auto& entry : r.factories) names.push_back(entry.first);
  return names;
}

}  // namespace

void register_scheduler(const std::string& name, SchedulerFactory factory) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  add_locked(r, name, std::move(factory));
}

std::unique_ptr<LRScheduler> make_scheduler(const std::string& name, Optimizer& optimizer,
                                            const OptionMap& options) {
  SchedulerFactory factory;
  {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = r.factories.find(name);
    if (it == r.factories.end()) {
      throw ValueError(fmt::format(
          "make_scheduler: no scheduler named '{}'; registered: {} (ReduceLROnPlateau is made "
          "directly, its step takes the metric)",
          name, fmt::join(names_locked(r), ", ")));
    }
    factory = it->second;
  }
  auto sched = factory(optimizer, options);
  if (!sched) {
    throw ValueError(fmt::format("make_scheduler: the factory of '{}' returned null", name));
  }
  return sched;
}

std::vector<std::string> scheduler_names() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return names_locked(r);
}

}  // namespace xgrad::optim
