#pragma once
// Attribution: which input features a model's score for a class depends on.
//   saliency              d f_c(x) / d x                     (Simonyan et al. 2013)
//   gradient_x_input      x * d f_c(x) / d x                 (Shrikumar et al. 2016)
//   integrated_gradients  (x - b) * integral_0^1 d f_c(b + a (x - b)) / d x da
//                                                            (Sundararajan et al. 2017)
// `f` maps a batch [N, ...] to scores [N, classes]; row i is explained for class target[i].
// Rows must not interact (evaluation mode: BatchNorm in training mode mixes the batch).
//
//   auto f = [&](const xgrad::Tensor& x) { return model(x); };      // model.eval() first
//   auto ig = xgrad::explain::integrated_gradients(f, images, labels,
//                 xgrad::explain::IntegratedGradientsOptions().steps(64));
//   ig.attributions;            // [N, 784]
//   ig.max_abs_delta;           // completeness error: |sum(attr) - (f(x) - f(baseline))|
#include <cstdint>
#include <functional>

#include <xgrad/core/tensor.hpp>

namespace xgrad::explain {

/// A model as a function of its input batch: [N, ...] -> [N, classes].
using ScoreFn = std::function<Tensor(const Tensor&)>;

/// d score[i, target[i]] / d x[i], shaped like x. `target` is int64 [N] (or use the overload
/// with one class for every row). ShapeError/DTypeError/IndexError naming the function for a
/// bad x, target or model output.
///   Example: auto s = saliency(f, x, labels);
Tensor saliency(const ScoreFn& f, const Tensor& x, const Tensor& target);
Tensor saliency(const ScoreFn& f, const Tensor& x, int64_t target);

/// x * saliency(f, x, target).  Example: auto a = gradient_x_input(f, x, labels);
Tensor gradient_x_input(const ScoreFn& f, const Tensor& x, const Tensor& target);

struct IntegratedGradientsOptions {
  /// The reference input ("absence of signal"): same shape as x, or one row broadcast to all
  /// rows ([1, ...] or x's row shape). Undefined (the default): zeros.
  IntegratedGradientsOptions& baseline(Tensor b) {
    baseline_ = std::move(b);
    return *this;
  }
  /// Intervals of the trapezoid rule along the path (even, >= 2): steps + 1 gradient
  /// evaluations. The error falls as 1/steps^2 for a smooth model.
  IntegratedGradientsOptions& steps(int64_t n) {
    steps_ = n;
    return *this;
  }
  Tensor baseline_;
  int64_t steps_ = 50;
};

struct IntegratedGradients {
  Tensor attributions;    ///< shaped like x
  Tensor score;           ///< f(x)[i, target[i]], float64 [N]
  Tensor baseline_score;  ///< f(baseline)[i, target[i]], float64 [N]
  /// Completeness error per row: sum(attributions[i]) - (score[i] - baseline_score[i]),
  /// float64 [N]. Zero for the exact integral; what remains is the integration error.
  Tensor delta;
  double max_abs_delta = 0;
  /// An estimate of the integration error per row from halving the step count (the
  /// trapezoid sums with steps and steps/2 differ by about 3x the error of the finer one;
  /// reported without dividing by 3, so it bounds |delta| for smooth models), float64 [N].
  Tensor error_estimate;
  double max_error_estimate = 0;
};

/// Integrated gradients of score[i, target[i]] along the straight path from the baseline to x.
/// ValueError for odd or too few steps, ShapeError for a baseline that does not fit.
///   Example: auto ig = integrated_gradients(f, x, labels, IntegratedGradientsOptions().steps(64));
IntegratedGradients integrated_gradients(const ScoreFn& f, const Tensor& x, const Tensor& target,
                                         const IntegratedGradientsOptions& options = {});

}  // namespace xgrad::explain
