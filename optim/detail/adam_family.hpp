#pragma once
// Internal to the Adam family's update rules (adam.cpp, adamax.cpp, nadam.cpp, radam.cpp):
// what their steps share. The per-step scalars are computed in double, as PyTorch computes
// them in Python floats; the moment update is written once, in PyTorch's operation order.
#include <cmath>

#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim::detail {

/// The step's scalars every rule of the family starts from:
///   bias_correction1 = 1 − β₁ᵗ,  bias_correction2 = 1 − β₂ᵗ   (t = state.step, already counted)
struct AdamStepScalars {
  double beta1, beta2, step, bias_correction1, bias_correction2;
};

/// The scalars above for an options struct of the family and a parameter's state.
template <class Options>
inline AdamStepScalars adam_step_scalars(const Options& o, const ParamState& state) {
  const double beta1 = o.betas().first, beta2 = o.betas().second;
  const auto step = static_cast<double>(state.step);
  return {beta1, beta2, step, 1 - std::pow(beta1, step), 1 - std::pow(beta2, step)};
}

/// β₁, β₂, 1 − β₁, 1 − β₂ in the parameter's type (the complements taken in double first).
template <class T>
struct MomentCoefs {
  T b1, b2, c1, c2;
  explicit MomentCoefs(const AdamStepScalars& s)
      : b1(T(s.beta1)), b2(T(s.beta2)), c1(T(1 - s.beta1)), c2(T(1 - s.beta2)) {}
};

/// The two moments after one step.
template <class T>
struct Moments {
  T m, v;
};

/// m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g², each as PyTorch writes it (mul_ then add_ /
/// addcmul_), for one element.
template <class T>
inline Moments<T> next_moments(T m, T v, T g, const MomentCoefs<T>& c) {
  return {m * c.b1 + c.c1 * g, v * c.b2 + c.c2 * g * g};
}

}  // namespace xgrad::optim::detail
