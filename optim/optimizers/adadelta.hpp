#pragma once
// Adadelta (Zeiler), exactly as torch.optim.Adadelta:
//   g ← g + λθ;  v ← ρv + (1−ρ)g²;  Δ = √(u + ε) / √(v + ε) · g;  u ← ρu + (1−ρ)Δ²;  θ ← θ − γΔ
//
//   xgrad::optim::Adadelta opt(params, xgrad::optim::AdadeltaOptions(1.0).rho(0.9));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// Adadelta's options.  Example: AdadeltaOptions(1.0).rho(0.95).eps(1e-6)
struct AdadeltaOptions : OptionsBase<AdadeltaOptions> {
  XGRAD_OPTIONS("Adadelta");
  /// Example: AdadeltaOptions(0.5)
  AdadeltaOptions(double lr = 1.0) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(double, rho) = 0.9;
  XGRAD_OPTION(double, eps) = 1e-6;
  XGRAD_OPTION(double, weight_decay) = 0;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;
};

/// Adadelta.  Example: Adadelta opt(params); opt.step();
class Adadelta : public BasicOptimizer<Adadelta, AdadeltaOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, rho outside [0, 1], eps <= 0, weight_decay < 0.
  static void validate(const AdadeltaOptions& o);
  /// square_avg, acc_delta.
  static std::vector<std::string> state_buffers(const AdadeltaOptions&) {
    return {"square_avg", "acc_delta"};
  }
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const AdadeltaOptions& o);
};

}  // namespace xgrad::optim
