#pragma once
// Adagrad (Duchi et al.), exactly as torch.optim.Adagrad:
//   g ← g + λθ;  γ̃ = γ / (1 + (t−1)η);  s ← s + g²;  θ ← θ − γ̃ g / (√s + ε)
//
//   xgrad::optim::Adagrad opt(params, xgrad::optim::AdagradOptions(0.1).lr_decay(0.01));
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// Adagrad's options.  Example: AdagradOptions(0.1).initial_accumulator_value(0.1)
struct AdagradOptions : OptionsBase<AdagradOptions> {
  XGRAD_OPTIONS("Adagrad");
  /// Example: AdagradOptions(0.1)
  AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(double, lr_decay) = 0;
  XGRAD_OPTION(double, weight_decay) = 0;
  XGRAD_OPTION(double, initial_accumulator_value) = 0;
  XGRAD_OPTION(double, eps) = 1e-10;
  /// Maximize the objective instead (the gradient is negated first, as PyTorch 1.13).
  XGRAD_OPTION(bool, maximize) = false;
};

/// Adagrad.  Example: Adagrad opt(params, AdagradOptions(0.1)); opt.step();
class Adagrad : public BasicOptimizer<Adagrad, AdagradOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;

  /// Throws ValueError for lr, lr_decay, weight_decay or initial_accumulator_value < 0, eps <= 0.
  static void validate(const AdagradOptions& o);
  /// "sum".
  static std::vector<std::string> state_buffers(const AdagradOptions&) { return {"sum"}; }
  void update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                    const AdagradOptions& o);
};

}  // namespace xgrad::optim
