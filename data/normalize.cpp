#include <xgrad/data/normalize.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>

namespace xgrad::data {
namespace {

// Checks a tensor to fit on and returns its number of features (elements per example).
int64_t check_fit_input(const Tensor& x, const char* fn) {
  if (!x.defined() || x.dim() < 1 || x.size(0) < 1) {
    throw ValueError(fmt::format("{}: needs a tensor [N, ...] with N >= 1, got {}", fn,
                                 x.defined() ? shape_str(x.shape()) : "an undefined tensor"));
  }
  if (!is_floating(x.dtype())) {
    throw DTypeError(
        fmt::format("{}: needs float32 or float64 data, got {}", fn, dtype_name(x.dtype())));
  }
  return x.numel() / x.size(0);
}

void check_transform_input(const Tensor& x, const Tensor& fitted, const char* fn) {
  if (!fitted.defined()) throw ValueError(fmt::format("{}: call fit() first", fn));
  if (!x.defined() || !is_floating(x.dtype())) {
    throw DTypeError(fmt::format("{}: needs float32 or float64 data", fn));
  }
  const Shape rest = x.dim() >= 1 ? Shape(x.shape().begin() + 1, x.shape().end()) : Shape{};
  if (x.dim() < 1 || rest != fitted.shape()) {
    throw ShapeError(
        fmt::format("{}: fitted on examples of shape {}, got a tensor {} (examples "
                    "of shape {})",
                    fn, shape_str(fitted.shape()), shape_str(x.shape()), shape_str(rest)));
  }
}

Shape feature_shape(const Tensor& x) {
  return Shape(x.shape().begin() + 1, x.shape().end());
}

// Calls f(pointer) with x's data as float or double.
template <class F>
void with_floats(const Tensor& x_in, F&& f) {
  const Tensor x = x_in.contiguous();  // rows are read flat: a view through a contiguous copy
  if (x.dtype() == DType::Float32) {
    f(x.data_ptr<float>());
  } else {
    f(x.data_ptr<double>());
  }
}

}  // namespace

Standardizer& Standardizer::fit(const Tensor& x) {
  const int64_t f = check_fit_input(x, "Standardizer::fit");
  const int64_t n = x.size(0);
  std::vector<double> mean(size_t(f), 0.0), var(size_t(f), 0.0);
  // Two passes in double: the mean, then squared deviations (stable for large offsets).
  with_floats(x, [&](const auto* p) {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < f; ++j) mean[j] += p[i * f + j];
    for (auto& m : mean) m /= double(n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < f; ++j) {
        const double d = p[i * f + j] - mean[j];
        var[j] += d * d;
      }
  });
  std::vector<double> sd(static_cast<size_t>(f));
  for (int64_t j = 0; j < f; ++j) {
    sd[j] = std::sqrt(var[j] / double(n));
    // Constant up to rounding: keep the feature (it becomes 0) instead of dividing by ~0.
    if (!(sd[j] > 1e-7 * std::max(1.0, std::fabs(mean[j])))) sd[j] = 1.0;
  }
  mean_ = tensor(mean, feature_shape(x), kFloat64);
  std_ = tensor(sd, feature_shape(x), kFloat64);
  return *this;
}

Tensor Standardizer::transform(const Tensor& x) const {
  check_transform_input(x, mean_, "Standardizer::transform");
  return (x - mean_.to(x.dtype())) / std_.to(x.dtype());
}

Tensor Standardizer::fit_transform(const Tensor& x) {
  return fit(x).transform(x);
}

MinMaxScaler& MinMaxScaler::fit(const Tensor& x) {
  const int64_t f = check_fit_input(x, "MinMaxScaler::fit");
  const int64_t n = x.size(0);
  std::vector<double> lo(size_t(f), std::numeric_limits<double>::infinity());
  std::vector<double> hi(size_t(f), -std::numeric_limits<double>::infinity());
  with_floats(x, [&](const auto* p) {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < f; ++j) {
        lo[j] = std::min<double>(lo[j], p[i * f + j]);
        hi[j] = std::max<double>(hi[j], p[i * f + j]);
      }
  });
  for (int64_t j = 0; j < f; ++j) {
    if (!(hi[j] > lo[j])) hi[j] = lo[j] + 1.0;  // constant feature: range 1
  }
  min_ = tensor(lo, feature_shape(x), kFloat64);
  max_ = tensor(hi, feature_shape(x), kFloat64);
  return *this;
}

Tensor MinMaxScaler::transform(const Tensor& x) const {
  check_transform_input(x, min_, "MinMaxScaler::transform");
  const Tensor lo = min_.to(x.dtype());
  return (x - lo) / (max_.to(x.dtype()) - lo);
}

Tensor MinMaxScaler::fit_transform(const Tensor& x) {
  return fit(x).transform(x);
}

Tensor scale_to_unit(const Tensor& x, double lo, double hi) {
  if (!(lo < hi)) {
    throw ValueError(fmt::format("scale_to_unit: needs lo < hi, got lo = {}, hi = {}", lo, hi));
  }
  if (!x.defined() || !is_floating(x.dtype())) {
    throw DTypeError("scale_to_unit: needs float32 or float64 data (convert labels with .to())");
  }
  return (x - lo) / (hi - lo);
}

}  // namespace xgrad::data
