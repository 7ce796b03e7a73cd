#include "core/creation.hpp"

#include <fmt/format.h>

#include <cmath>

#include "core/random.hpp"
#include "core/storage.hpp"

namespace xgrad {

Tensor empty_tensor(const Shape& shape, DType dtype) {
  return visit_dtype(dtype, [&](auto t) { return empty_tensor<decltype(t)>(shape); });
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
    for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = static_cast<T>(value_at(i));
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
  const double count = std::ceil((end - start) / step);
  const auto n = static_cast<int64_t>(std::max(0.0, count));
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
