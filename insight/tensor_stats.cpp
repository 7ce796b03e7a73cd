#include <xgrad/insight/tensor_stats.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <type_traits>

#include <xgrad/core/error.hpp>

namespace xgrad::insight {

namespace {
/// Calls f(pointer, count) with the data as float or double; integer tensors are refused.
template <class F>
auto with_data(const Tensor& t_in, const char* fn, F&& f) {
  if (!t_in.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", fn));
  const Tensor t = t_in.detach().contiguous();  // read flat: a view through a contiguous copy
  const size_t n = static_cast<size_t>(t.numel());
  if (t.dtype() == DType::Float64) return f(t.data_ptr<double>(), n);
  if (t.dtype() == DType::Float32) return f(t.data_ptr<float>(), n);
  throw DTypeError(
      fmt::format("{}: expected a float32 or float64 tensor, got {}", fn, dtype_name(t.dtype())));
}
}  // namespace

namespace {
/// Sums over i of f(i) in double, in 8 independent accumulators: a single running sum is one
/// long chain of dependent additions (the compiler may not reorder them), eight let the loop
/// vectorise. The monitor reads every parameter, gradient and snapshot with these.
template <class F>
double lanes_sum(size_t n, F&& f) {
  constexpr size_t kLanes = 8;
  double acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t j = 0; j < kLanes; ++j) acc[j] += f(i + j);
  double total = 0;
  for (; i < n; ++i) total += f(i);
  for (double a : acc) total += a;
  return total;
}
}  // namespace

double l2_norm(const Tensor& t) {
  return with_data(t, "l2_norm", [](const auto* p, size_t n) {
    return std::sqrt(lanes_sum(n, [p](size_t i) {
      const double v = static_cast<double>(p[i]);
      return v * v;
    }));
  });
}

bool all_finite(const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype())) return true;
  return with_data(t, "all_finite", [](const auto* p, size_t n) {
    // NaN and inf are the values whose exponent bits are all ones. Testing the bits as
    // integers and OR-ing the results vectorises; std::isfinite in a loop does not.
    using T = std::decay_t<decltype(*p)>;
    using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
    constexpr Bits kExponent =
        static_cast<Bits>(sizeof(T) == 4 ? 0x7f800000ull : 0x7ff0000000000000ull);
    Bits bad = 0;
    for (size_t i = 0; i < n; ++i) {
      Bits bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bad |= static_cast<Bits>((bits & kExponent) == kExponent);
    }
    return bad == 0;
  });
}

UpdateNorms update_norms(const Tensor& after, const Tensor& before) {
  if (!after.defined() || !before.defined() || after.shape() != before.shape() ||
      after.dtype() != before.dtype())
    throw ShapeError("update_norms: the tensors must be defined and of the same shape and dtype");
  return with_data(after, "update_norms", [&](const auto* a, size_t n) {
    using T = std::decay_t<decltype(*a)>;
    const Tensor before_dense = before.detach().contiguous();
    const T* b = before_dense.data_ptr<T>();
    // One pass over both tensors, eight accumulators per sum (see lanes_sum).
    constexpr size_t kLanes = 8;
    double sa[kLanes] = {}, sb[kLanes] = {}, sd[kLanes] = {};
    auto add = [&](size_t lane, size_t i) {
      const double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]), d = x - y;
      sa[lane] += x * x;
      sb[lane] += y * y;
      sd[lane] += d * d;
    };
    size_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
      for (size_t j = 0; j < kLanes; ++j) add(j, i + j);
    for (; i < n; ++i) add(0, i);
    UpdateNorms r;
    for (size_t j = 0; j < kLanes; ++j) r.after += sa[j], r.before += sb[j], r.delta += sd[j];
    r.after = std::sqrt(r.after);
    r.before = std::sqrt(r.before);
    r.delta = std::sqrt(r.delta);
    return r;
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
