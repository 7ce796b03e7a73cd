#pragma once
// Adam (Kingma & Ba), exactly as torch.optim.Adam, with L2 weight decay and AMSGrad:
//   g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  (AMSGrad: v̂ ← max(v̂, v))
//   θ ← θ − γ/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε)
//
//   xgrad::optim::Adam opt(params, xgrad::optim::AdamOptions(1e-3).betas({0.9, 0.99}));
#include <tuple>

#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// Adam's options.  Example: AdamOptions(1e-3).betas({0.9, 0.99}).weight_decay(1e-2)
struct AdamOptions : OptionsBase<AdamOptions> {
  XGRAD_OPTIONS("Adam");
  /// Example: AdamOptions(3e-4)
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 0;
  XGRAD_OPTION(bool, amsgrad) = false;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;

 public:
  /// libtorch's form: AdamOptions(2e-4).betas(std::make_tuple(0.5, 0.999)).
  template <class B1, class B2>
  AdamOptions& betas(const std::tuple<B1, B2>& b) {
    betas_ = {static_cast<double>(std::get<0>(b)), static_cast<double>(std::get<1>(b))};
    return *this;
  }
};

/// Adam.  Example: Adam opt(params, AdamOptions(1e-3)); opt.step();
class Adam : public BasicOptimizer<Adam, AdamOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, a beta outside [0, 1), eps <= 0, weight_decay < 0.
  static void validate(const AdamOptions& o);
  /// exp_avg, exp_avg_sq (and max_exp_avg_sq with amsgrad).
  static std::vector<std::string> state_buffers(const AdamOptions& o);
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const AdamOptions& o);
};

namespace detail {
/// The checks every Adam-family option set shares (lr, betas, eps, weight_decay), naming
/// `who` in the error.
void check_adam_like(const char* who, double lr, Betas betas, double eps, double weight_decay);
/// As above for an options struct of the family (Adam, AdamW, NAdam, RAdam, Adamax).
template <class Options>
void check_adam_like(const Options& o) {
  check_adam_like(Options::kName, o.lr(), o.betas(), o.eps(), o.weight_decay());
}
/// exp_avg, exp_avg_sq, and max_exp_avg_sq with amsgrad: Adam's and AdamW's state.
std::vector<std::string> adam_state_buffers(bool amsgrad);
/// Adam's step on one parameter, read from its options struct: AdamOptions (L2 weight decay
/// added to the gradient) or AdamWOptions (decoupled: θ ← θ(1 − γλ) first, then Adam without
/// the L2 term). Defined (and instantiated for both) in adam.cpp.
template <class Options>
void adam_update(const Tensor& param, const Tensor& grad, ParamState& state, const Options& o);
}  // namespace detail

}  // namespace xgrad::optim
