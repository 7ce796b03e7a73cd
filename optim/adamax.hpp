#pragma once
// Adamax (Kingma & Ba: Adam with the infinity norm), exactly as torch.optim.Adamax:
//   g ← g + λθ;  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε);  θ ← θ − γ/(1−β₁ᵗ) · m/u
//
//   xgrad::optim::Adamax opt(params, xgrad::optim::AdamaxOptions(2e-3));
#include "optimizer.hpp"

namespace xgrad::optim {

/// Adamax's options.  Example: AdamaxOptions(2e-3).betas({0.9, 0.999})
struct AdamaxOptions : OptionsBase<AdamaxOptions> {
  static constexpr const char* kName = "Adamax";
  /// Example: AdamaxOptions(1e-3)
  AdamaxOptions(double lr = 2e-3) : lr_(lr) {}
  XGRAD_ARG(double, lr);
  XGRAD_ARG(Betas, betas) = {0.9, 0.999};
  XGRAD_ARG(double, eps) = 1e-8;
  XGRAD_ARG(double, weight_decay) = 0;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_ARG(bool, maximize) = false;

 public:
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("lr", s.lr_);
    f("betas", s.betas_);
    f("eps", s.eps_);
    f("weight_decay", s.weight_decay_);
    f("maximize", s.maximize_);
  }
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
