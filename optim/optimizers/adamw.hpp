#pragma once
// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, exactly as torch.optim.AdamW:
//   θ ← θ(1 − γλ);  then Adam's step without L2 term.
//
//   xgrad::optim::AdamW opt(params, xgrad::optim::AdamWOptions(1e-3).weight_decay(0.05));
#include <xgrad/optim/optimizers/adam.hpp>

namespace xgrad::optim {

/// AdamW's options (weight_decay defaults to 1e-2).  Example: AdamWOptions(1e-3).amsgrad(true)
struct AdamWOptions : OptionsBase<AdamWOptions> {
  XGRAD_OPTIONS("AdamW");
  /// Example: AdamWOptions(3e-4)
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(Betas, betas) = {0.9, 0.999};
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 1e-2;
  XGRAD_OPTION(bool, amsgrad) = false;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;
};

/// AdamW.  Example: AdamW opt(params, AdamWOptions(1e-3)); opt.step();
class AdamW : public BasicOptimizer<AdamW, AdamWOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, a beta outside [0, 1), eps <= 0, weight_decay < 0.
  static void validate(const AdamWOptions& o);
  /// exp_avg, exp_avg_sq (and max_exp_avg_sq with amsgrad).
  static std::vector<std::string> state_buffers(const AdamWOptions& o);
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const AdamWOptions& o);
};

}  // namespace xgrad::optim
