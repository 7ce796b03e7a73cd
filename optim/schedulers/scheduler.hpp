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
// constructor).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../optimizer.hpp"

namespace xgrad::optim {

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

 protected:
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
