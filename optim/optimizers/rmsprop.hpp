#pragma once
// RMSprop (Hinton), exactly as torch.optim.RMSprop, with momentum and the centered variant:
//   g ← g + λθ;  v ← αv + (1−α)g²;  (centered: ḡ ← αḡ + (1−α)g, v' = v − ḡ²)
//   b ← μb + g/(√v' + ε), θ ← θ − γb  (momentum > 0);  θ ← θ − γ g/(√v' + ε) otherwise
//
//   xgrad::optim::RMSprop opt(params, xgrad::optim::RMSpropOptions(1e-2).centered(true));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// RMSprop's options.  Example: RMSpropOptions(1e-2).alpha(0.9).momentum(0.5)
struct RMSpropOptions : OptionsBase<RMSpropOptions> {
  XGRAD_OPTIONS("RMSprop");
  /// Example: RMSpropOptions(1e-3)
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(double, alpha) = 0.99;
  XGRAD_OPTION(double, eps) = 1e-8;
  XGRAD_OPTION(double, weight_decay) = 0;
  XGRAD_OPTION(double, momentum) = 0;
  XGRAD_OPTION(bool, centered) = false;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;
};

/// RMSprop.  Example: RMSprop opt(params, RMSpropOptions(1e-2)); opt.step();
class RMSprop : public BasicOptimizer<RMSprop, RMSpropOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr < 0, alpha outside [0, 1], eps <= 0, weight_decay < 0, momentum < 0.
  static void validate(const RMSpropOptions& o);
  /// square_avg (and momentum_buffer with momentum, grad_avg when centered).
  static std::vector<std::string> state_buffers(const RMSpropOptions& o);
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const RMSpropOptions& o);
};

}  // namespace xgrad::optim
