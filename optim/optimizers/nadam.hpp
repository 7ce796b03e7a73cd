#pragma once
// NAdam (Dozat: Adam with Nesterov momentum), exactly as torch.optim.NAdam:
//   μₜ = β₁(1 − ½·0.96^(tψ)),  μₜ₊₁ likewise,  Πₜ = ∏ μᵢ
//   g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  d = √(v/(1−β₂ᵗ)) + ε
//   θ ← θ − γ(1−μₜ)/(1−Πₜ) · g/d − γμₜ₊₁/(1−Πₜμₜμₜ₊₁) · m/d
// (the second denominator as PyTorch 1.13 computes it; 2.0 has 1−Πₜμₜ₊₁)
//
//   xgrad::optim::NAdam opt(params, xgrad::optim::NAdamOptions(2e-3).momentum_decay(4e-3));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// NAdam's options.  Example: NAdamOptions(2e-3).betas({0.9, 0.999})
struct NAdamOptions : OptionsBase<NAdamOptions> {
  XGRAD_OPTIONS("NAdam");
  /// Example: NAdamOptions(1e-3)
  NAdamOptions(double lr = 2e-3) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 0;
  XGRAD_OPTION(double, momentum_decay) = 4e-3;
};

/// NAdam.  Example: NAdam opt(params); opt.step();
class NAdam : public BasicOptimizer<NAdam, NAdamOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, a beta outside [0, 1), eps <= 0, weight_decay < 0,
  /// momentum_decay < 0.
  static void validate(const NAdamOptions& o);
  /// exp_avg, exp_avg_sq (the product of the μ is the scalar "mu_product").
  static std::vector<std::string> state_buffers(const NAdamOptions&) {
    return {"exp_avg", "exp_avg_sq"};
  }
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const NAdamOptions& o);
};

}  // namespace xgrad::optim
