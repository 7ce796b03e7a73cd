#include "core/creation.hpp"

#include <fmt/format.h>
#include <sys/sysinfo.h>

#include <cmath>
#include <iterator>
#include <limits>

#include "core/numeric_cast.hpp"
#include "core/random.hpp"
#include "core/storage.hpp"

namespace xgrad {

Tensor empty_tensor(const Shape& shape, DType dtype) {
  return visit_dtype(dtype, [&](auto t) { return empty_tensor<decltype(t)>(shape); });
}

namespace {
/// This machine's memory and swap in bytes (read once). A request above it cannot succeed;
/// refusing it up front gives the same OutOfMemoryError everywhere, also under sanitizers whose
/// operator new aborts instead of throwing std::bad_alloc.
uint64_t memory_and_swap_bytes() {
  static const uint64_t bytes = [] {
    struct sysinfo info {};
    if (::sysinfo(&info) != 0) return std::numeric_limits<uint64_t>::max();
    return (uint64_t{info.totalram} + uint64_t{info.totalswap}) * info.mem_unit;
  }();
  return bytes;
}
}  // namespace

std::size_t buffer_elements(const Shape& shape, DType dtype) {
  const int64_t n = shape_numel(shape);  // ShapeError for negative sizes and overflow
  const auto max_elements =
      static_cast<uint64_t>(std::numeric_limits<std::ptrdiff_t>::max()) / dtype_size(dtype);
  if (static_cast<uint64_t>(n) > max_elements ||
      static_cast<uint64_t>(n) * dtype_size(dtype) > memory_and_swap_bytes())
    throw_out_of_memory(shape, dtype);
  return static_cast<std::size_t>(n);
}

void throw_out_of_memory(const Shape& shape, DType dtype) {
  const auto bytes =
      static_cast<long double>(shape_numel(shape)) * static_cast<long double>(dtype_size(dtype));
  static const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  long double scaled = bytes;
  size_t unit = 0;
  while (scaled >= 1024 && unit + 1 < std::size(units)) scaled /= 1024, ++unit;
  throw OutOfMemoryError(fmt::format(
      "out of memory: a {} tensor of shape {} needs {:.0f} bytes ({:.1f} {}), more than this "
      "machine can allocate ({:.1f} GiB of memory and swap; a size in the shape much larger "
      "than intended?)",
      dtype_name(dtype), shape_str(shape), static_cast<double>(bytes), static_cast<double>(scaled),
      units[unit], static_cast<double>(memory_and_swap_bytes()) / (1024.0 * 1024 * 1024)));
}

void throw_int64_range(double v, const char* fn) {
  throw ValueError(fmt::format(
      "{}: {} cannot become an int64 ({}; int64 holds integers in [-2^63, 2^63))", fn, v,
      std::isnan(v)   ? "it is NaN"
      : std::isinf(v) ? "it is infinite"
                      : "it is out of range"));
}

void throw_not_floating(const char* op, DType dtype) {
  throw DTypeError(
      fmt::format("{}: expected a float32 or float64 tensor, got {}", op, dtype_name(dtype)));
}

namespace {

void check_shape(const Shape& shape, const char* fn) {
  for (auto s : shape)
    if (s < 0) throw ValueError(fmt::format("{}: negative size in shape {}", fn, shape_str(shape)));
}

// Walks the nesting: every list at one depth must have the same length.
void flatten(const NestedList& node, size_t depth, Shape& shape, std::vector<double>& out) {
  if (node.is_scalar()) {
    if (depth != shape.size()) {
      throw ValueError(
          fmt::format("tensor: ragged nested list: a value at depth {} where the "
                      "first entry had depth {}",
                      depth, shape.size()));
    }
    out.push_back(node.value());
    return;
  }
  const auto n = static_cast<int64_t>(node.items().size());
  if (n == 0) throw ValueError("tensor: empty nested list (every list needs at least one value)");
  if (depth == shape.size()) {
    if (!out.empty()) {
      throw ValueError(
          fmt::format("tensor: ragged nested list: a list at depth {} where the "
                      "first entry had a value",
                      depth));
    }
    shape.push_back(n);
  } else if (depth > shape.size() || shape[depth] != n) {
    throw ValueError(
        fmt::format("tensor: ragged nested list: a list of {} at depth {} where "
                    "the first had {}",
                    n, depth, depth < shape.size() ? shape[depth] : 0));
  }
  for (const auto& item : node.items()) flatten(item, depth + 1, shape, out);
}

template <class F>
Tensor generate(const Shape& shape, DType dtype, const char* fn, F&& value_at) {
  check_shape(shape, fn);
  Tensor t = empty_tensor(shape, dtype);
  visit_dtype(dtype, [&](auto z) {
    using T = decltype(z);
    T* p = raw_data<T>(t);
    for (int64_t i = 0, n = t.numel(); i < n; ++i) {
      const auto v = value_at(i);
      if constexpr (std::is_same_v<T, int64_t> && std::is_floating_point_v<decltype(v)>) {
        p[i] = float_to_int64(v, fn);
      } else {
        p[i] = static_cast<T>(v);
      }
    }
  });
  return t;
}

}  // namespace

Tensor tensor(const NestedList& values, DType dtype) {
  Shape shape;
  std::vector<double> flat;
  flatten(values, 0, shape, flat);
  return tensor(flat, shape, dtype);
}

Tensor tensor(const std::vector<double>& values, const Shape& shape, DType dtype) {
  check_shape(shape, "tensor");
  if (static_cast<int64_t>(values.size()) != shape_numel(shape)) {
    throw ShapeError(fmt::format("tensor: {} values cannot fill shape {} ({} elements)",
                                 values.size(), shape_str(shape), shape_numel(shape)));
  }
  return generate(shape, dtype, "tensor", [&](int64_t i) { return values[i]; });
}

Tensor tensor(const std::vector<int64_t>& values, const Shape& shape) {
  check_shape(shape, "tensor");
  if (static_cast<int64_t>(values.size()) != shape_numel(shape)) {
    throw ShapeError(fmt::format("tensor: {} values cannot fill shape {} ({} elements)",
                                 values.size(), shape_str(shape), shape_numel(shape)));
  }
  return generate(shape, DType::Int64, "tensor", [&](int64_t i) { return values[i]; });
}

Tensor full(const Shape& shape, double value, DType dtype) {
  return generate(shape, dtype, "full", [value](int64_t) { return value; });
}
Tensor zeros(const Shape& shape, DType dtype) {
  return full(shape, 0.0, dtype);
}
Tensor ones(const Shape& shape, DType dtype) {
  return full(shape, 1.0, dtype);
}
Tensor zeros_like(const Tensor& t) {
  return zeros(t.shape(), t.dtype());
}
Tensor ones_like(const Tensor& t) {
  return ones(t.shape(), t.dtype());
}

Tensor arange(double start, double end, double step, DType dtype) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step)) {
    throw ValueError(
        fmt::format("arange: start {}, end {} and step {} must be finite and the "
                    "step non-zero",
                    start, end, step));
  }
  const double count = std::max(0.0, std::ceil((end - start) / step));
  // (end - start) / step can overflow to inf or exceed int64 (arange(0, 1e300)).
  if (!(count < 9.2e18)) {
    throw ValueError(
        fmt::format("arange: [{}, {}) in steps of {} has {:g} elements, more than any tensor can "
                    "hold (is the end or the step off by orders of magnitude?)",
                    start, end, step, count));
  }
  const auto n = static_cast<int64_t>(count);
  return generate({n}, dtype, "arange", [&](int64_t i) { return start + step * i; });
}
Tensor arange(double end, DType dtype) {
  return arange(0, end, 1, dtype);
}

Tensor eye(int64_t n, int64_t m, DType dtype) {
  if (m < 0) m = n;
  return generate({n, m}, dtype, "eye", [m](int64_t i) {
    return i / m == i % m ? 1.0 : 0.0;
  });  // m > 0 whenever a value is made
}

Tensor rand(const Shape& shape, DType dtype) {
  if (!is_floating(dtype)) throw_not_floating("rand", dtype);
  auto gen = default_generator();
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return generate(shape, dtype, "rand", [&](int64_t) { return uniform(gen.engine); });
}

Tensor randn(const Shape& shape, DType dtype) {
  if (!is_floating(dtype)) throw_not_floating("randn", dtype);
  auto gen = default_generator();
  std::normal_distribution<double> normal(0.0, 1.0);
  return generate(shape, dtype, "randn", [&](int64_t) { return normal(gen.engine); });
}

}  // namespace xgrad
