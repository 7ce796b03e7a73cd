#pragma once
// Annealing schedules (PyTorch 1.13): CosineAnnealingLR and LinearLR (warmup).
//
//   xgrad::optim::LinearLR warmup(opt,
//   xgrad::optim::LinearLROptions().start_factor(0.1).total_iters(5));
//   xgrad::optim::CosineAnnealingLR cosine(opt, xgrad::optim::CosineAnnealingLROptions(100));
#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// CosineAnnealingLR: η = η_min + (base − η_min)(1 + cos(π·epoch/T_max))/2, continued past
/// T_max as a cosine wave.  Example: CosineAnnealingLROptions(100).eta_min(1e-5)
struct CosineAnnealingLROptions {
  XGRAD_OPTIONS("CosineAnnealingLR");
  /// Example: CosineAnnealingLROptions(50)
  explicit CosineAnnealingLROptions(int64_t T_max) : T_max_(T_max) {}
  XGRAD_OPTION(int64_t, T_max);
  XGRAD_OPTION(double, eta_min) = 0.0;

 public:
  /// Keys T_max (required), eta_min.  Example: CosineAnnealingLROptions::from_map({{"T_max", 40}})
  static CosineAnnealingLROptions from_map(const OptionMap& options);
};

/// Cosine annealing from the base lr to eta_min over T_max epochs, in PyTorch's recursive
/// (chainable) form, which is what PyTorch's floats follow.
/// Example: CosineAnnealingLR sched(opt, CosineAnnealingLROptions(100));
class CosineAnnealingLR : public LRScheduler {
 public:
  /// ValueError for T_max < 1 or a negative eta_min.
  ///   Example: CosineAnnealingLR s(opt, CosineAnnealingLROptions(40));
  CosineAnnealingLR(Optimizer& optimizer, const CosineAnnealingLROptions& options);
  std::string name() const override { return "CosineAnnealingLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  std::optional<std::vector<double>> closed_form_lr() const override;

 private:
  CosineAnnealingLROptions options_;
};

/// LinearLR: the factor on the base lr goes linearly from start_factor to end_factor over
/// total_iters epochs, then stays.  Example: LinearLROptions().start_factor(0.1).total_iters(10)
struct LinearLROptions {
  XGRAD_OPTIONS("LinearLR");
  XGRAD_OPTION(double, start_factor) = 1.0 / 3.0;
  XGRAD_OPTION(double, end_factor) = 1.0;
  XGRAD_OPTION(int64_t, total_iters) = 5;

 public:
  /// Keys start_factor, end_factor, total_iters.
  ///   Example: LinearLROptions::from_map({{"total_iters", 10}})
  static LinearLROptions from_map(const OptionMap& options);
};

/// Linear warmup (or decay) of the lr factor.
///   Example: LinearLR warmup(opt, LinearLROptions().start_factor(0.01));
class LinearLR : public LRScheduler {
 public:
  /// ValueError for start_factor outside (0, 1], end_factor outside [0, 1], total_iters < 1.
  /// Example: LinearLR s(opt, LinearLROptions().total_iters(10));
  LinearLR(Optimizer& optimizer, const LinearLROptions& options);
  std::string name() const override { return "LinearLR"; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return detail::options_to_map(options_); }
  std::optional<std::vector<double>> closed_form_lr() const override;

 private:
  LinearLROptions options_;
};

}  // namespace xgrad::optim
