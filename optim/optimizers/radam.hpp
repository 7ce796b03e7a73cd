#pragma once
// RAdam (Liu et al.: rectified Adam), exactly as torch.optim.RAdam:
//   g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ)
//   ρ∞ = 2/(1−β₂) − 1;  ρₜ = ρ∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
//   ρₜ > 5: r = √((ρₜ−4)(ρₜ−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρₜ)),  θ ← θ − γ m̂ r √(1−β₂ᵗ)/(√v + ε)
//   else:   θ ← θ − γ m̂
//
//   xgrad::optim::RAdam opt(params, xgrad::optim::RAdamOptions(1e-3));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// RAdam's options.  Example: RAdamOptions(1e-3).weight_decay(1e-4)
struct RAdamOptions : OptionsBase<RAdamOptions> {
  XGRAD_OPTIONS("RAdam");
  /// Example: RAdamOptions(1e-3)
  RAdamOptions(double lr = 1e-3) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 0;
};

/// RAdam.  Example: RAdam opt(params); opt.step();
class RAdam : public BasicOptimizer<RAdam, RAdamOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, a beta outside [0, 1), eps <= 0, weight_decay < 0.
  static void validate(const RAdamOptions& o);
  /// exp_avg, exp_avg_sq.
  static std::vector<std::string> state_buffers(const RAdamOptions&) {
    return {"exp_avg", "exp_avg_sq"};
  }
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const RAdamOptions& o);
};

}  // namespace xgrad::optim
