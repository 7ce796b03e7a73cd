#pragma once
// ReduceLROnPlateau (PyTorch 1.13): multiplies the lr by `factor` when a watched metric has
// not improved for `patience` epochs. An LRScheduler (as in PyTorch 2) whose step takes the
// metric: step(metric) is its step, step() without one is a ValueError. Made by name as
// "plateau" (make_scheduler), and then stepped through the generic interface as
// sched->step(metric), which the other schedulers accept too (they ignore the metric).
//
//   xgrad::optim::ReduceLROnPlateau sched(opt, xgrad::optim::ReduceLROnPlateauOptions().patience(5));
//   for (...) { train(opt); sched.step(validation_loss); }
#include <string>
#include <vector>

#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// Options; an improvement is a < best·(1 − threshold) ("min", "rel"), a < best − threshold
/// ("min", "abs"), or the mirror images for "max".
/// Example: ReduceLROnPlateauOptions().mode("max").factor(0.5).patience(3)
struct ReduceLROnPlateauOptions {
  XGRAD_OPTIONS("ReduceLROnPlateau");
  /// "min" (a loss) or "max" (an accuracy).
  XGRAD_OPTION(std::string, mode) = "min";
  /// New lr = old lr · factor, in [0, 1).
  XGRAD_OPTION(double, factor) = 0.1;
  /// Epochs without improvement tolerated before reducing.
  XGRAD_OPTION(int64_t, patience) = 10;
  XGRAD_OPTION(double, threshold) = 1e-4;
  /// "rel" or "abs".
  XGRAD_OPTION(std::string, threshold_mode) = "rel";
  /// Epochs to wait after a reduction before counting bad epochs again.
  XGRAD_OPTION(int64_t, cooldown) = 0;
  /// The lr never goes below this.
  XGRAD_OPTION(double, min_lr) = 0.0;
  /// One floor per parameter group (overrides min_lr when not empty).
  XGRAD_OPTION(std::vector<double>, min_lrs);
  /// A reduction smaller than eps is skipped.
  XGRAD_OPTION(double, eps) = 1e-8;

 public:
  /// Keys as the setters.  Example: ReduceLROnPlateauOptions::from_map({{"patience", 5}})
  static ReduceLROnPlateauOptions from_map(const OptionMap& options);
};

/// Reduces the lr when the metric stops improving.  The optimizer must outlive it.
/// Example: ReduceLROnPlateau s(opt, ReduceLROnPlateauOptions().factor(0.5)); s.step(val_loss);
class ReduceLROnPlateau : public LRScheduler {
 public:
  /// ValueError naming the field for a bad option.  Example: ReduceLROnPlateau s(opt);
  explicit ReduceLROnPlateau(Optimizer& optimizer,
                             const ReduceLROnPlateauOptions& options = ReduceLROnPlateauOptions());
  /// One epoch with this metric value (a NaN counts as no improvement); get_last_lr() and
  /// last_epoch() (steps taken) follow.  Example: s.step(loss.item());
  void step(double metric) override;
  /// A ValueError: this scheduler needs the metric, step(metric).
  void step() override;
  bool needs_metric() const override { return true; }
  std::string name() const override { return "ReduceLROnPlateau"; }
  /// The best metric so far (±inf before the first step).  Example: s.best()
  double best() const { return best_; }
  /// Epochs since the last improvement.  Example: s.num_bad_epochs()
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  /// Whether a cooldown is running.  Example: if (s.in_cooldown()) ...
  bool in_cooldown() const { return cooldown_counter_ > 0; }

 protected:
  /// The groups' current lrs (the lr changes only in step(metric)).
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  /// best, num_bad_epochs, cooldown_counter.
  OptionMap extra_state() const override;
  void load_extra_state(const OptionMap& state, bool commit) override;

 private:
  bool is_better(double a) const;
  void reduce_lr();

  ReduceLROnPlateauOptions options_;
  std::vector<double> min_lrs_;
  double best_;
  int64_t num_bad_epochs_ = 0;
  int64_t cooldown_counter_ = 0;
};

}  // namespace xgrad::optim
