#include <xgrad/core/creation.hpp>

#include <fmt/format.h>
#include <sys/sysinfo.h>

#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

#include <xgrad/core/detail/numeric_cast.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/random.hpp>

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

// Walks the nesting: every list at one depth must have the same length. The values are
// collected as the scalar nodes themselves, which keep integers exact.
void flatten(const NestedList& node, size_t depth, Shape& shape,
             std::vector<const NestedList*>& out) {
  if (node.is_scalar()) {
    if (depth != shape.size()) {
      throw ValueError(
          fmt::format("tensor: ragged nested list: a value at depth {} where the "
                      "first entry had depth {}",
                      depth, shape.size()));
    }
    out.push_back(&node);
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

namespace {
/// The options' requires_grad applied to a freshly made leaf.
Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad()) t.requires_grad_(true);
  return t;
}
}  // namespace

Tensor tensor(const NestedList& values, TensorOptions options) {
  Shape shape;
  std::vector<const NestedList*> flat;
  flatten(values, 0, shape, flat);
  const DType fallback = values.boolean()    ? DType::Bool
                         : values.integral() ? DType::Int64
                                             : DType::Float32;
  const DType dtype = options.dtype_or(fallback);
  Tensor t = empty_tensor(shape, dtype);
  visit_dtype(dtype, [&](auto z) {
    using T = decltype(z);
    T* p = raw_data<T>(t);
    // An integer goes to the element type straight from its int64: exact into int64, one
    // rounding into float32 (through a double it could round twice).
    for (size_t i = 0; i < flat.size(); ++i) {
      const NestedList& v = *flat[i];
      if (v.holds_int64()) {
        p[i] = static_cast<T>(v.int64_value());
      } else if constexpr (std::is_same_v<T, int64_t>) {
        p[i] = float_to_int64(v.value(), "tensor");
      } else {
        p[i] = static_cast<T>(v.value());
      }
    }
  });
  return finish(t, options);
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

Tensor full(IntArrayRef shape, double value, TensorOptions options) {
  return finish(generate(shape, options.dtype(), "full", [value](int64_t) { return value; }),
                options);
}
Tensor zeros(IntArrayRef shape, TensorOptions options) {
  return full(shape, 0.0, options);
}
Tensor ones(IntArrayRef shape, TensorOptions options) {
  return full(shape, 1.0, options);
}
Tensor empty(IntArrayRef shape, TensorOptions options) {
  return full(shape, 0.0, options);
}
Tensor zeros_like(const Tensor& t, TensorOptions options) {
  return zeros(t.shape(), options.has_dtype() ? options : options.dtype(t.dtype()));
}
Tensor ones_like(const Tensor& t, TensorOptions options) {
  return ones(t.shape(), options.has_dtype() ? options : options.dtype(t.dtype()));
}
Tensor full_like(const Tensor& t, double value, TensorOptions options) {
  return full(t.shape(), value, options.has_dtype() ? options : options.dtype(t.dtype()));
}
Tensor empty_like(const Tensor& t, TensorOptions options) {
  return zeros_like(t, options);
}
Tensor rand_like(const Tensor& t, TensorOptions options) {
  return rand(t.shape(), options.has_dtype() ? options : options.dtype(t.dtype()));
}
Tensor randn_like(const Tensor& t, TensorOptions options) {
  return randn(t.shape(), options.has_dtype() ? options : options.dtype(t.dtype()));
}

Tensor arange(double start, double end, double step, TensorOptions options) {
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
  return finish(
      generate({n}, options.dtype(), "arange", [&](int64_t i) { return start + step * i; }),
      options);
}
Tensor arange(double start, double end, TensorOptions options) {
  return arange(start, end, 1.0, options);
}
Tensor arange(double end, TensorOptions options) {
  return arange(0, end, 1, options);
}

// x_i = start + i (end - start) / (steps - 1); the last value is exactly `end`.
Tensor linspace(double start, double end, int64_t steps, TensorOptions options) {
  if (steps < 0) throw ValueError(fmt::format("linspace: steps must be >= 0, got {}", steps));
  const double delta = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
  return finish(generate({steps}, options.dtype(), "linspace",
                         [&](int64_t i) { return i == steps - 1 ? end : start + delta * i; }),
                options);
}

Tensor eye(int64_t n, int64_t m, TensorOptions options) {
  if (m < 0) m = n;
  return finish(generate({n, m}, options.dtype(), "eye",
                         [m](int64_t i) { return i / m == i % m ? 1.0 : 0.0; }),
                options);  // m > 0 whenever a value is made
}
Tensor eye(int64_t n, TensorOptions options) {
  return eye(n, -1, options);
}

Tensor rand(IntArrayRef shape, TensorOptions options) {
  const DType dtype = options.dtype();
  if (!is_floating(dtype)) throw_not_floating("rand", dtype);
  auto gen = default_generator();
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  return finish(generate(shape, dtype, "rand", [&](int64_t) { return uniform(gen.engine); }),
                options);
}

Tensor randn(IntArrayRef shape, TensorOptions options) {
  const DType dtype = options.dtype();
  if (!is_floating(dtype)) throw_not_floating("randn", dtype);
  auto gen = default_generator();
  std::normal_distribution<double> normal(0.0, 1.0);
  return finish(generate(shape, dtype, "randn", [&](int64_t) { return normal(gen.engine); }),
                options);
}

Tensor randint(int64_t low, int64_t high, IntArrayRef shape, TensorOptions options) {
  if (high <= low)
    throw ValueError(
        fmt::format("randint: the range [{}, {}) is empty (high must exceed low)", low, high));
  auto gen = default_generator();
  std::uniform_int_distribution<int64_t> uniform(low, high - 1);
  return finish(generate(shape, options.dtype_or(DType::Int64), "randint",
                         [&](int64_t) { return uniform(gen.engine); }),
                options);
}
Tensor randint(int64_t high, IntArrayRef shape, TensorOptions options) {
  return randint(0, high, shape, options);
}

Tensor from_blob(const void* data, IntArrayRef shape, TensorOptions options) {
  if (!data) throw ValueError("from_blob: the data pointer is null");
  check_shape(shape, "from_blob");
  Tensor t = empty_tensor(shape, options.dtype());
  std::memcpy(static_cast<void*>(visit_dtype(
                  t.dtype(), [&](auto z) { return static_cast<void*>(raw_data<decltype(z)>(t)); })),
              data, static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype()));
  return finish(t, options);
}

}  // namespace xgrad
