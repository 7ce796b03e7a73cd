#pragma once
// Adamax (Kingma & Ba: Adam with the infinity norm), exactly as torch.optim.Adamax:
//   g ← g + λθ;  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − γ/(1−β₁ᵗ) · m/u
//
//   xgrad::optim::Adamax opt(params, xgrad::optim::AdamaxOptions(2e-3));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// Adamax's options.  Example: AdamaxOptions(2e-3).betas({0.9, 0.999})
struct AdamaxOptions : OptionsBase<AdamaxOptions> {
  XGRAD_OPTIONS("Adamax");
  /// Example: AdamaxOptions(1e-3)
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 0;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;
};

/// Adamax.  Example: Adamax opt(params); opt.step();
class Adamax : public BasicOptimizer<Adamax, AdamaxOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, a beta outside [0, 1), eps <= 0, weight_decay < 0.
  static void validate(const AdamaxOptions& o);
  /// exp_avg, exp_inf.
  static std::vector<std::string> state_buffers(const AdamaxOptions&) {
    return {"exp_avg", "exp_inf"};
  }
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const AdamaxOptions& o);
};

}  // namespace xgrad::optim
