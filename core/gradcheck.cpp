#include <xgrad/core/gradcheck.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/engine.hpp>
#include <xgrad/core/grad_mode.hpp>

namespace xgrad {
namespace {

/// Row-major flat index -> "[i, j, ...]".
std::string index_str(int64_t flat, const Shape& shape) {
  Shape index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return shape_str(index);
}

Tensor checked_output(const GradcheckFn& fn, const TensorList& inputs) {
  Tensor y = fn(inputs);
  if (!y.defined() || y.dtype() != DType::Float64) {
    throw DTypeError("gradcheck: the function must return a defined float64 tensor");
  }
  return y;
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& fn, const TensorList& inputs, double eps, double atol,
                          double rtol) {
  TensorList diff_inputs;
  std::vector<size_t> positions;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined() || !inputs[i].requires_grad()) continue;
    if (inputs[i].dtype() != DType::Float64) {
      throw DTypeError(
          fmt::format("gradcheck: input {} is {}; finite differences need float64 "
                      "(use .to(xgrad::kFloat64))",
                      i, dtype_name(inputs[i].dtype())));
    }
    diff_inputs.push_back(inputs[i]);
    positions.push_back(i);
  }
  if (diff_inputs.empty()) throw ValueError("gradcheck: no input requires grad");

  // Analytical Jacobian, one row per output element: backward of a one-hot grad_output.
  const Tensor y = checked_output(fn, inputs);
  const int64_t ny = y.numel();
  std::vector<std::vector<double>> analytical(diff_inputs.size());
  for (size_t i = 0; i < diff_inputs.size(); ++i)
    analytical[i].assign(static_cast<size_t>(ny * diff_inputs[i].numel()), 0.0);
  if (y.requires_grad()) {
    for (int64_t j = 0; j < ny; ++j) {
      Tensor onehot = zeros(y.shape(), DType::Float64);
      raw_data<double>(onehot)[j] = 1.0;
      const TensorList g = grad({y}, diff_inputs, {onehot}, true, false, true);
      for (size_t i = 0; i < g.size(); ++i) {
        if (!g[i].defined()) continue;
        const Tensor gi = dense(g[i]);  // a gradient may be a view
        const double* pg = raw_data<double>(gi);
        const int64_t n = diff_inputs[i].numel();
        for (int64_t k = 0; k < n; ++k) analytical[i][j * n + k] = pg[k];
      }
    }
  }

  // Numerical Jacobian, one column per input element: (f(x + eps) - f(x - eps)) / 2 eps.
  GradcheckResult result;
  int64_t mismatches = 0;
  // Grad mode stays as the caller set it: fn may differentiate inside (a gradient penalty).
  for (size_t i = 0; i < diff_inputs.size(); ++i) {
    double* px = raw_data<double>(diff_inputs[i]);
    const int64_t n = diff_inputs[i].numel();
    for (int64_t k = 0; k < n; ++k) {
      const double saved = px[k];
      px[k] = saved + eps;
      const auto plus = checked_output(fn, inputs).to_vector();
      px[k] = saved - eps;
      const auto minus = checked_output(fn, inputs).to_vector();
      px[k] = saved;
      for (int64_t j = 0; j < ny; ++j) {
        const double numerical = (plus[j] - minus[j]) / (2 * eps);
        const double a = analytical[i][j * n + k];
        const double tolerance = atol + rtol * std::abs(numerical);
        if (std::abs(a - numerical) <= tolerance) continue;  // NaN fails too
        if (mismatches++ == 0) {
          result.message = fmt::format(
              "gradcheck: input {} (shape {}) element {}, output element {}: analytical {:.10g} "
              "vs numerical {:.10g} (difference {:.3g}, tolerance {:.3g})",
              positions[i], shape_str(diff_inputs[i].shape()), index_str(k, diff_inputs[i].shape()),
              index_str(j, y.shape()), a, numerical, std::abs(a - numerical), tolerance);
        }
      }
    }
  }
  if (mismatches > 0) {
    result.ok = false;
    result.message += fmt::format("; {} Jacobian entries differ in all", mismatches);
  }
  return result;
}

GradcheckResult gradgradcheck(const GradcheckFn& fn, const TensorList& inputs, double eps,
                              double atol, double rtol) {
  std::vector<size_t> diff;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) diff.push_back(i);
  if (diff.empty()) throw ValueError("gradgradcheck: no input requires grad");
  const Tensor y = checked_output(fn, inputs);
  const Tensor v = randn(y.shape(), DType::Float64);  // the grad_output, held fixed
  for (size_t which = 0; which < diff.size(); ++which) {
    auto first_order = [&](const TensorList& in) {
      TensorList wrt;
      for (size_t i : diff) wrt.push_back(in[i]);
      const Tensor g = grad({checked_output(fn, in)}, wrt, {v}, true, true, true)[which];
      return g.defined() ? g : zeros(in[diff[which]].shape(), DType::Float64);
    };
    GradcheckResult r = gradcheck(first_order, inputs, eps, atol, rtol);
    if (!r) {
      r.message = fmt::format("gradgradcheck: first derivative with respect to input {}: {}",
                              diff[which], r.message);
      return r;
    }
  }
  return {};
}

}  // namespace xgrad
