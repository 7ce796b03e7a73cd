#pragma once
// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
// exactly as torch.optim.SGD:
//   g ← g + λθ;   b ← g (first step), b ← μb + (1−τ)g;   g ← g + μb (Nesterov) or g ← b;
//   θ ← θ − γg
//
//   xgrad::optim::SGD opt(params, xgrad::optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// SGD's options; lr has no default (as in PyTorch).  Example: SGDOptions(0.1).momentum(0.9)
struct SGDOptions : OptionsBase<SGDOptions> {
  XGRAD_OPTIONS("SGD");
  /// Example: SGDOptions(0.01)
  explicit SGDOptions(double lr) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(double, momentum) = 0;
  XGRAD_OPTION(double, dampening) = 0;
  XGRAD_OPTION(double, weight_decay) = 0;
  XGRAD_OPTION(bool, nesterov) = false;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;

 public:
  /// Name-keyed options; "lr" is required.  Example: SGDOptions::from_map({{"lr", 0.1}})
  static SGDOptions from_map(const OptionMap& options);
};

/// SGD.  Example: SGD opt(params, SGDOptions(0.1).momentum(0.9)); opt.step();
class SGD : public BasicOptimizer<SGD, SGDOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;
  /// Example: SGD opt(params, 0.1);
  SGD(std::vector<Tensor> params, double lr) : SGD(std::move(params), SGDOptions(lr)) {}

  /// Throws ValueError for lr < 0, momentum < 0, dampening outside [0, 1], weight_decay < 0,
  /// nesterov without momentum or with dampening.
  static void validate(const SGDOptions& o);
  /// "momentum_buffer" when momentum != 0.
  static std::vector<std::string> state_buffers(const SGDOptions& o);
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const SGDOptions& o);
};

}  // namespace xgrad::optim
