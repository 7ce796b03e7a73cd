#pragma once
// Multiplicative decay schedules (PyTorch 1.13): StepLR, MultiStepLR, ExponentialLR.
//
//   xgrad::optim::MultiStepLR sched(opt, xgrad::optim::MultiStepLROptions({30, 80}).gamma(0.1));
#include <map>

#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// StepLR: lr = base·γ^⌊epoch / step_size⌋.  Example: StepLROptions(30).gamma(0.1)
struct StepLROptions {
  XGRAD_OPTIONS("StepLR");
  /// Example: StepLROptions(10)
  explicit StepLROptions(int64_t step_size) : step_size_(step_size) {}
  XGRAD_OPTION(int64_t, step_size);
  XGRAD_OPTION(double, gamma) = 0.1;

 public:
  /// Keys step_size (required), gamma.  Example: StepLROptions::from_map({{"step_size", 10}})
  static StepLROptions from_map(const OptionMap& options);
};

/// Multiplies the lr by γ every step_size epochs.  Example: StepLR sched(opt, StepLROptions(30));
class StepLR : public LRScheduler {
 public:
  /// ValueError for step_size < 1 or γ < 0.  Example: StepLR s(opt, StepLROptions(10).gamma(0.5));
  StepLR(Optimizer& optimizer, const StepLROptions& options);
  /// libtorch's positional form.  Example: StepLR sched(opt, 10, 0.1);
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1)
      : StepLR(optimizer, StepLROptions(step_size).gamma(gamma)) {}
  std::string name() const override { return "StepLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  std::optional<std::vector<double>> closed_form_lr() const override;

 private:
  StepLROptions options_;
};

/// MultiStepLR: lr = base·γ^(number of milestones ≤ epoch).  Example: MultiStepLROptions({30, 80})
struct MultiStepLROptions {
  XGRAD_OPTIONS("MultiStepLR");
  /// Example: MultiStepLROptions({20, 50, 80})
  explicit MultiStepLROptions(std::vector<int64_t> milestones)
      : milestones_(std::move(milestones)) {}
  XGRAD_OPTION(std::vector<int64_t>, milestones);
  XGRAD_OPTION(double, gamma) = 0.1;

 public:
  /// Keys milestones (required), gamma.
  ///   Example: MultiStepLROptions::from_map({{"milestones", {20, 50}}})
  static MultiStepLROptions from_map(const OptionMap& options);
};

/// Multiplies the lr by γ at each milestone (a repeated milestone counts twice).
/// Example: MultiStepLR sched(opt, MultiStepLROptions({30, 80}).gamma(0.1));
class MultiStepLR : public LRScheduler {
 public:
  /// ValueError for a milestone < 1 or γ < 0.
  ///   Example: MultiStepLR s(opt, MultiStepLROptions({5}));
  MultiStepLR(Optimizer& optimizer, const MultiStepLROptions& options);
  std::string name() const override { return "MultiStepLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  std::optional<std::vector<double>> closed_form_lr() const override;

 private:
  MultiStepLROptions options_;
  std::map<int64_t, int> counts_;  // milestone -> how often it is listed
};

/// ExponentialLR: lr = base·γ^epoch.  Example: ExponentialLROptions(0.97)
struct ExponentialLROptions {
  XGRAD_OPTIONS("ExponentialLR");
  /// Example: ExponentialLROptions(0.9)
  explicit ExponentialLROptions(double gamma) : gamma_(gamma) {}
  XGRAD_OPTION(double, gamma);

 public:
  /// Key gamma (required).  Example: ExponentialLROptions::from_map({{"gamma", 0.9}})
  static ExponentialLROptions from_map(const OptionMap& options);
};

/// Multiplies the lr by γ every epoch.
///   Example: ExponentialLR sched(opt, ExponentialLROptions(0.97));
class ExponentialLR : public LRScheduler {
 public:
  /// ValueError for γ < 0.  Example: ExponentialLR s(opt, ExponentialLROptions(0.9));
  ExponentialLR(Optimizer& optimizer, const ExponentialLROptions& options);
  std::string name() const override { return "ExponentialLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  std::optional<std::vector<double>> closed_form_lr() const override;

 private:
  ExponentialLROptions options_;
};

}  // namespace xgrad::optim
