#pragma once
// Learning-rate schedulers over an optimizer's parameter groups, with PyTorch 1.13's semantics:
// construction performs the initial step (epoch 0) and may already change the lr (LinearLR,
// OneCycleLR); each later step() advances one epoch (or iteration) and writes the new lr into
// every group. Call it after opt.step():
//
//   xgrad::optim::SGD opt(params, xgrad::optim::SGDOptions(0.1));
//   xgrad::optim::StepLR sched(opt, xgrad::optim::StepLROptions(30).gamma(0.1));
//   for (int epoch = 0; epoch < 90; ++epoch) { train_one_epoch(opt); sched.step(); }
//
// Most schedulers are "chainable", as in PyTorch: their step multiplies or shifts the lr the
// group holds now, so several may act on one optimizer (ChainedScheduler) and the values are
// PyTorch's to the last bit. A scheduler keeps a reference to its optimizer, which must
// outlive it.
//
// Writing one: derive from LRScheduler, implement name() and get_lr() (the lrs for the epoch
// last_epoch(), usually from group_lr(i) and base_lrs()), and call initial_step() as the last
// statement of the constructor (virtual calls do not reach the derived class from the base
// constructor). A scheduler with state of its own beyond the step count and the lrs overrides
// extra_state()/load_extra_state(); one with options overrides options_map().
//
// Resuming (PyTorch's scheduler.state_dict()): save the optimizer and the scheduler, then load
// both into freshly made ones (made with the same options) and keep stepping:
//   xgrad::save(opt, "opt.safetensors");  xgrad::save(sched, "sched.safetensors");
//   ... xgrad::load(opt2, "opt.safetensors");  xgrad::load(sched2, "sched.safetensors");
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

namespace detail {
struct SchedulerStateAccess;
}  // namespace detail

/// A scheduler's state: string metadata, as a safetensors header's (no tensors).
///   "format"    "xgrad.scheduler/1"
///   "scheduler" the scheduler's name ("StepLR")
///   "state"     JSON {"last_epoch": 9, "step_count": 10, "base_lrs": [0.1], "last_lr": [0.05],
///                     "options": {"step_size": 10, "gamma": 0.5}, "extra": {...},
///                     "parts": [...]}  (a composite's parts, each the same object plus "name")
/// Example: auto sd = sched.state_dict(); other.load_state_dict(sd);
struct SchedulerStateDict {
  Metadata metadata;
};

class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances one epoch and sets every group's lr; on error nothing changes.
  /// Example: opt.step(); sched.step();
  virtual void step();
  /// The lr of each group after the last step (or construction).  Example: sched.get_last_lr()[0]
  const std::vector<double>& get_last_lr() const { return last_lr_; }
  /// Steps taken since construction (0 right after it).  Example: sched.last_epoch()
  int64_t last_epoch() const { return last_epoch_; }
  /// Each group's lr when the scheduler was made (PyTorch's initial_lr).  Example: sched.base_lrs()
  const std::vector<double>& base_lrs() const { return base_lrs_; }
  /// The optimizer whose lrs this scheduler sets.  Example: &sched.optimizer() == &opt
  Optimizer& optimizer() const { return *optimizer_; }
  /// The class name, for messages ("StepLR").  Example: sched.name()
  virtual std::string name() const = 0;
  /// One epoch with a metric, so that one loop drives any scheduler: ReduceLROnPlateau uses
  /// the metric; every other scheduler ignores it and calls step().
  ///   Example: sched->step(validation_loss);
  virtual void step(double metric);
  /// Whether step(metric) uses its metric (ReduceLROnPlateau); step() alone is then an error.
  ///   Example: if (sched->needs_metric()) sched->step(val_loss); else sched->step();
  virtual bool needs_metric() const { return false; }

  // ---- state (PyTorch's state_dict / load_state_dict) --------------------------------------
  /// The step count, last_epoch, base and last lrs, the options and the scheduler's own state
  /// (composites: their parts', recursively).  Example: auto sd = sched.state_dict();
  SchedulerStateDict state_dict() const;
  /// Restores a state_dict() of a scheduler of the same class made with the same options
  /// (and, for composites, the same parts), then sets each group's lr to get_last_lr().
  /// ValueError for another class, other options or another number of groups or parts; on
  /// error nothing changes.  Example: sched.load_state_dict(sd);
  void load_state_dict(const SchedulerStateDict& state_dict);
  /// Writes state_dict() to a safetensors file (metadata only), atomically.
  ///   Example: sched.save("sched.safetensors");
  void save(const std::string& path) const;
  /// Reads a file written by save(); on error nothing changes.  Example: sched.load("sched.safetensors");
  void load(const std::string& path);

 protected:
  /// The options this scheduler was made with; load_state_dict() refuses a state saved with
  /// other ones.  Example: return detail::options_to_map(options_);
  virtual OptionMap options_map() const { return {}; }
  /// State of the scheduler's own beyond the counters and lrs (ReduceLROnPlateau: best, ...).
  virtual OptionMap extra_state() const { return {}; }
  /// Checks a saved extra_state() (ValueError naming the key) and, when `commit`, applies it;
  /// called with commit=false first, so a commit never throws.
  virtual void load_extra_state(const OptionMap& state, bool commit) { (void)state, (void)commit; }
  /// The schedulers a composite drives, in order (their state is saved with it).
  virtual std::vector<const LRScheduler*> parts() const { return {}; }
  /// Sets the counters (a scheduler that does not step through initial_step()).
  void set_counters(int64_t last_epoch, int64_t step_count) {
    last_epoch_ = last_epoch;
    step_count_ = step_count;
  }

  /// Records every group's lr as its base lr; does not step (see initial_step()).
  explicit LRScheduler(Optimizer& optimizer);
  /// The first step (to epoch 0); the last statement of every derived constructor.
  void initial_step();
  /// The lrs for epoch last_epoch(), one per group (chainable form: may read group_lr(i)).
  virtual std::vector<double> get_lr() = 0;
  /// The lrs for epoch last_epoch() from base_lrs() alone, for schedulers that have such a
  /// closed form; SequentialLR uses it to restart a scheduler at epoch 0.
  virtual std::optional<std::vector<double>> closed_form_lr() const { return std::nullopt; }
  /// Jumps to `epoch` (PyTorch's deprecated step(epoch)): closed form when there is one.
  void step_to(int64_t epoch);
  /// Group i's current lr.  Example: return {group_lr(0) * gamma};
  double group_lr(size_t i) const;
  /// The number of parameter groups.
  size_t num_groups() const { return base_lrs_.size(); }
  /// Calls to step() so far, the initial step included (PyTorch's _step_count).
  int64_t step_count() const { return step_count_; }
  /// Writes `lrs` into the groups and get_last_lr().
  void set_lrs(const std::vector<double>& lrs);
  /// Replaces the base lrs (OneCycleLR, and composites sharing one initial lr).
  void set_base_lrs(std::vector<double> lrs) { base_lrs_ = std::move(lrs); }
  /// ValueError unless the optimizer still has the groups this scheduler was made for.
  void check_groups(const char* what) const;

 private:
  friend class SequentialLR;
  friend class ChainedScheduler;
  friend struct detail::SchedulerStateAccess;
  /// The base lrs of the part made first: the lrs before any part changed them.
  static std::vector<double> shared_base_lrs(
      const std::vector<std::shared_ptr<LRScheduler>>& parts);

  Optimizer* optimizer_;
  std::vector<double> base_lrs_;
  std::vector<double> last_lr_;
  int64_t last_epoch_ = -1;
  int64_t step_count_ = 0;
  uint64_t serial_;  // construction order, so composites find the first-made scheduler
};

namespace detail {
/// An options struct (kName and fields()) as an OptionMap, for options_map().
template <class Options>
OptionMap options_to_map(const Options& options) {
  OptionMap map;
  Options::fields(
      options, [&](const char* key, const auto& field) { map.emplace(key, OptionValue(field)); });
  return map;
}

// Name-keyed scheduler options (make_scheduler, from_map): the fields are read with the
// optimizers' readers (detail::read_field, one per field type); the error paths.
[[noreturn]] void throw_missing_option(const std::string& who, const std::string& key,
                                       const std::vector<std::string>& valid);

/// Options (a struct with kName and fields()) from `defaults` overridden by `map`; every key
/// in `required` must be present.
///   Example: return options_from_map(StepLROptions(1), m, {"step_size"});
template <class Options>
Options options_from_map(Options options, const OptionMap& map,
                         const std::vector<std::string>& required) {
  std::vector<std::string> valid;
  Options::fields(options, [&](const char* key, auto&) { valid.emplace_back(key); });
  check_option_keys(map, valid, Options::kName);
  for (const auto& key : required) {
    if (!map.count(key)) throw_missing_option(Options::kName, key, valid);
  }
  try {
    Options::fields(options, [&](const char* key, auto& field) {
      auto it = map.find(key);
      if (it != map.end()) read_field(it->second, key, field);
    });
  } catch (const ValueError& e) {
    rethrow_option_error(Options::kName, e.what(), valid);
  }
  return options;
}
}  // namespace detail

}  // namespace xgrad::optim
