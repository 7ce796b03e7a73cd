#include <xgrad/explain/attribution.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/engine.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/indexing.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad::explain {

namespace {

void check_input(const char* fn, const Tensor& x) {
  if (!x.defined()) throw ValueError(fmt::format("{}: the input is undefined", fn));
  if (!is_floating(x.dtype()))
    throw DTypeError(
        fmt::format("{}: the input must be float32 or float64, got {}", fn, dtype_name(x.dtype())));
  if (x.dim() < 1 || x.size(0) < 1)
    throw ShapeError(fmt::format("{}: the input must be a batch [N, ...] with N >= 1, got {}", fn,
                                 shape_str(x.shape())));
}

void check_target(const char* fn, const Tensor& x, const Tensor& target) {
  if (!target.defined() || target.dtype() != DType::Int64)
    throw DTypeError(fmt::format("{}: target must be an int64 tensor of class indices, got {}", fn,
                                 target.defined() ? dtype_name(target.dtype()) : "undefined"));
  if (target.shape() != Shape{x.size(0)})
    throw ShapeError(fmt::format("{}: target must be [{}] (one class per input row), got {}", fn,
                                 x.size(0), shape_str(target.shape())));
}

struct TargetGradient {
  Tensor score;  // f(x)[i, target[i]], [N], detached
  Tensor grad;   // d score[i] / d x[i], shaped like x
};

/// One forward and backward: the target scores and their gradient with respect to x. Rows are
/// independent, so the gradient of the sum of the scores is each row's own gradient.
TargetGradient target_gradient(const char* fn, const ScoreFn& f, const Tensor& x,
                               const Tensor& target) {
  EnableGradGuard grad_on;
  Tensor input = x.detach();
  input.requires_grad_();
  const Tensor out = f(input);
  const int64_t n = x.size(0);
  if (!out.defined() || out.dim() != 2 || out.size(0) != n || !is_floating(out.dtype()))
    throw ShapeError(fmt::format(
        "{}: the model must return floating scores [{}, classes] for an input of {}, got {}", fn, n,
        shape_str(x.shape()), out.defined() ? shape_str(out.shape()) : "undefined"));
  for (double t : target.to_vector())
    if (t < 0 || t >= static_cast<double>(out.size(1)))
      throw IndexError(fmt::format("{}: target class {} is out of range for {} classes", fn,
                                   static_cast<int64_t>(t), out.size(1)));
  const Tensor picked = reshape(gather(out, 1, reshape(target, {n, 1})), {n});
  TargetGradient result;
  result.score = picked.detach();
  if (!picked.requires_grad()) {
    result.grad = zeros_like(x);  // the scores do not depend on the input
    return result;
  }
  Tensor g = grad({sum(picked)}, {input}, {}, false, false, /*allow_unused=*/true)[0];
  result.grad = g.defined() ? g : zeros_like(x);
  return result;
}

/// Sum of each row, as float64 [N].
Tensor row_sums(const Tensor& t) {
  return sum(reshape(t, {t.size(0), -1}), {1}).to(DType::Float64);
}

}  // namespace

Tensor saliency(const ScoreFn& f, const Tensor& x, const Tensor& target) {
  check_input("saliency", x);
  check_target("saliency", x, target);
  if (!f) throw ValueError("saliency: the model function is empty");
  return target_gradient("saliency", f, x, target).grad;
}

Tensor saliency(const ScoreFn& f, const Tensor& x, int64_t target) {
  check_input("saliency", x);
  return saliency(f, x, full({x.size(0)}, static_cast<double>(target), DType::Int64));
}

Tensor gradient_x_input(const ScoreFn& f, const Tensor& x, const Tensor& target) {
  check_input("gradient_x_input", x);
  check_target("gradient_x_input", x, target);
  if (!f) throw ValueError("gradient_x_input: the model function is empty");
  const Tensor g = target_gradient("gradient_x_input", f, x, target).grad;
  NoGradGuard no_grad;
  return x * g;
}

IntegratedGradients integrated_gradients(const ScoreFn& f, const Tensor& x, const Tensor& target,
                                         const IntegratedGradientsOptions& options) {
  constexpr const char* fn = "integrated_gradients";
  check_input(fn, x);
  check_target(fn, x, target);
  if (!f) throw ValueError("integrated_gradients: the model function is empty");
  const int64_t m = options.steps_;
  if (m < 2 || m % 2 != 0)
    throw ValueError(fmt::format(
        "{}: steps must be even and >= 2 (the error estimate halves it), got {}", fn, m));
  Tensor baseline = options.baseline_.defined() ? options.baseline_ : zeros_like(x);
  {
    const Shape& b = baseline.shape();
    Shape row(x.shape().begin() + 1, x.shape().end()), one_row = row;
    one_row.insert(one_row.begin(), 1);
    if (b != x.shape() && b != row && b != one_row)
      throw ShapeError(
          fmt::format("{}: the baseline must be shaped like the input {}, one row {} or {}, got {}",
                      fn, shape_str(x.shape()), shape_str(one_row), shape_str(row), shape_str(b)));
    if (!is_floating(baseline.dtype()))
      throw DTypeError(fmt::format("{}: the baseline must be floating, got {}", fn,
                                   dtype_name(baseline.dtype())));
  }
  NoGradGuard no_grad;
  baseline = baseline.detach().to(x.dtype());
  const Tensor diff = x.detach() - baseline;  // broadcasts a one-row baseline

  // Trapezoid rule on alpha = k/m, k = 0..m; the even k give the rule with m/2 intervals too.
  Tensor fine, coarse, score, baseline_score;
  for (int64_t k = 0; k <= m; ++k) {
    const double alpha = static_cast<double>(k) / static_cast<double>(m);
    const Tensor point = baseline + diff * alpha;
    TargetGradient tg = target_gradient(fn, f, point, target);
    if (k == 0) baseline_score = tg.score;
    if (k == m) score = tg.score;
    const double w = (k == 0 || k == m) ? 0.5 : 1.0;
    fine = fine.defined() ? fine + tg.grad * w : tg.grad * w;
    if (k % 2 == 0) coarse = coarse.defined() ? coarse + tg.grad * w : tg.grad * w;
  }
  IntegratedGradients out;
  out.attributions = diff * (fine / static_cast<double>(m));
  const Tensor coarse_attr = diff * (coarse / static_cast<double>(m / 2));
  out.score = score.to(DType::Float64);
  out.baseline_score = baseline_score.to(DType::Float64);
  const Tensor fine_sum = row_sums(out.attributions);
  out.delta = fine_sum - (out.score - out.baseline_score);
  out.error_estimate = abs(fine_sum - row_sums(coarse_attr));
  for (double d : out.delta.to_vector())
    out.max_abs_delta = std::max(out.max_abs_delta, std::abs(d));
  for (double e : out.error_estimate.to_vector())
    out.max_error_estimate = std::max(out.max_error_estimate, e);
  return out;
}

}  // namespace xgrad::explain
