#include "tensor_stats.hpp"

#include <fmt/format.h>

#include <cmath>

#include "../core/error.hpp"

namespace xgrad::insight {

namespace {
/// Calls f(pointer, count) with the data as float or double; integer tensors are refused.
template <class F>
auto with_data(const Tensor& t, const char* fn, F&& f) {
  if (!t.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", fn));
  const size_t n = static_cast<size_t>(t.numel());
  if (t.dtype() == DType::Float64) return f(t.data_ptr<double>(), n);
  if (t.dtype() == DType::Float32) return f(t.data_ptr<float>(), n);
  throw DTypeError(
      fmt::format("{}: expected a float32 or float64 tensor, got {}", fn, dtype_name(t.dtype())));
}
}  // namespace

double l2_norm(const Tensor& t) {
  return with_data(t, "l2_norm", [](const auto* p, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += static_cast<double>(p[i]) * static_cast<double>(p[i]);
    return std::sqrt(s);
  });
}

double l2_distance(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined() || a.shape() != b.shape() || a.dtype() != b.dtype())
    throw ShapeError("l2_distance: the tensors must be defined and of the same shape and dtype");
  return with_data(a, "l2_distance", [&](const auto* p, size_t n) {
    using T = std::decay_t<decltype(*p)>;
    const T* q = b.data_ptr<T>();
    double s = 0;
    for (size_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(p[i]) - static_cast<double>(q[i]);
      s += d * d;
    }
    return std::sqrt(s);
  });
}

bool all_finite(const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype())) return true;
  return with_data(t, "all_finite", [](const auto* p, size_t n) {
    // x - x is 0 for finite x and NaN for NaN and inf: one test, vectorisable.
    bool ok = true;
    for (size_t i = 0; i < n; ++i) ok &= (p[i] - p[i]) == 0;
    return ok;
  });
}

void mark_alive_units(const Tensor& output, std::vector<uint8_t>& alive) {
  if (output.dim() < 1) return;
  const int64_t rows = output.dim() == 1 ? 1 : output.size(0);
  const size_t units = rows == 0 ? 0 : static_cast<size_t>(output.numel() / rows);
  if (alive.size() != units) alive.assign(units, 0);
  with_data(output, "mark_alive_units", [&](const auto* p, size_t) {
    for (int64_t r = 0; r < rows; ++r) {
      const auto* row = p + static_cast<size_t>(r) * units;
      for (size_t u = 0; u < units; ++u) alive[u] |= row[u] != 0;
    }
    return 0;
  });
}

int64_t count_saturated(const Tensor& output, double lo, double hi, double eps) {
  return with_data(output, "count_saturated", [&](const auto* p, size_t n) {
    int64_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      const double v = static_cast<double>(p[i]);
      count += (v < lo + eps) | (v > hi - eps);
    }
    return count;
  });
}

}  // namespace xgrad::insight
