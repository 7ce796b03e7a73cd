#pragma once
// OneCycleLR (PyTorch 1.13; Smith & Topin, "Super-Convergence"): the lr rises from
// max_lr/div_factor to max_lr over the first pct_start of total_steps, then anneals to
// max_lr/(div_factor·final_div_factor); momentum (or Adam's β₁) cycles the other way between
// max_momentum and base_momentum. Step it after every batch:
//
//   xgrad::optim::OneCycleLR sched(opt, xgrad::optim::OneCycleLROptions(0.1, epochs * batches));
//   for (...) { opt.step(); sched.step(); }
#include <string>
#include <vector>

#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// OneCycleLR's options; max_lr and total_steps are required.
/// Example: OneCycleLROptions(0.5, 1000).pct_start(0.25).anneal_strategy("linear")
struct OneCycleLROptions {
  XGRAD_OPTIONS("OneCycleLR");
  /// Example: OneCycleLROptions(0.1, 500)
  OneCycleLROptions(double max_lr, int64_t total_steps)
      : max_lr_(max_lr), total_steps_(total_steps) {}
  XGRAD_OPTION(double, max_lr);
  /// One max lr per parameter group (overrides max_lr when not empty).
  XGRAD_OPTION(std::vector<double>, max_lrs);
  XGRAD_OPTION(int64_t, total_steps);
  XGRAD_OPTION(double, pct_start) = 0.3;
  /// "cos" or "linear".
  XGRAD_OPTION(std::string, anneal_strategy) = "cos";
  /// Cycle the optimizer's "momentum" (SGD, RMSprop) or β₁ of "betas" (Adam family).
  XGRAD_OPTION(bool, cycle_momentum) = true;
  XGRAD_OPTION(double, base_momentum) = 0.85;
  XGRAD_OPTION(double, max_momentum) = 0.95;
  XGRAD_OPTION(double, div_factor) = 25.0;
  XGRAD_OPTION(double, final_div_factor) = 1e4;
  XGRAD_OPTION(bool, three_phase) = false;

 public:
  /// Keys as the setters; max_lr and total_steps required.
  /// Example: OneCycleLROptions::from_map({{"max_lr", 0.5}, {"total_steps", 100}})
  static OneCycleLROptions from_map(const OptionMap& options);
};

/// The one-cycle policy.  Stepping more than total_steps times is a ValueError (as in PyTorch).
/// Example: OneCycleLR sched(opt, OneCycleLROptions(0.5, 100).cycle_momentum(false));
class OneCycleLR : public LRScheduler {
 public:
  /// Sets every group's lr to max_lr/div_factor (and, with cycle_momentum, its momentum to
  /// max_momentum).  ValueError for a bad option, or cycle_momentum on an optimizer without
  /// "momentum" or "betas".  Example: OneCycleLR s(opt, OneCycleLROptions(0.5, 100));
  OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options);
  std::string name() const override { return "OneCycleLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }

 private:
  /// One phase: the step it ends on and the per-group values at its start and end.
  struct Phase {
    double end_step;
    const std::vector<double>* start_lr;
    const std::vector<double>* end_lr;
    const std::vector<double>* start_momentum;
    const std::vector<double>* end_momentum;
  };
  double anneal(double start, double end, double pct) const;
  void set_momentum(size_t group, double momentum);

  OneCycleLROptions options_;
  bool use_beta1_ = false;
  std::vector<double> initial_lrs_, max_lrs_, min_lrs_;
  std::vector<double> max_momenta_, base_momenta_;
  std::vector<Phase> phases_;
};

}  // namespace xgrad::optim
