#include <xgrad/core/shape.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <xgrad/core/error.hpp>

namespace xgrad {

std::string shape_str(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

int64_t shape_numel(const Shape& shape) {
  // The product of the non-zero sizes is bounded too, not just the element count (which one
  // zero size makes 0): strides and reshapes of an empty tensor multiply those sizes as well.
  int64_t n = 1, nonzero = 1;
  for (auto s : shape) {
    if (s < 0)
      throw ShapeError(fmt::format("shape {} has a negative size {}", shape_str(shape), s));
    if (s == 0) {
      n = 0;
      continue;
    }
    if (__builtin_mul_overflow(nonzero, s, &nonzero))
      throw ShapeError(fmt::format("shape {} has more than 2^63 elements: no tensor can hold it",
                                   shape_str(shape)));
    n = n == 0 ? 0 : nonzero;
  }
  return n;
}

int64_t checked_mul(int64_t a, int64_t b, const char* op) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r))
    throw ShapeError(
        fmt::format("{}: size {} * {} overflows int64: no tensor can be that large", op, a, b));
  return r;
}

int64_t checked_add(int64_t a, int64_t b, const char* op) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r))
    throw ShapeError(
        fmt::format("{}: size {} + {} overflows int64: no tensor can be that large", op, a, b));
  return r;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    // i counts from the last dimension.
    const int64_t sa = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t sb = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (sa != sb && sa != 1 && sb != 1) {
      throw ShapeError(fmt::format(
          "{}: shapes {} and {} cannot be broadcast: dimension {} from the end has sizes {} "
          "and {} (sizes must be equal or one of them 1)",
          op, shape_str(a), shape_str(b), i, sa, sb));
    }
    out[rank - 1 - i] = sa == 1 ? sb : sa;
  }
  return out;
}

int64_t normalize_dim(int64_t dim, int64_t rank, const char* op) {
  const int64_t lo = rank == 0 ? -1 : -rank, hi = rank == 0 ? 0 : rank - 1;
  if (dim < lo || dim > hi) {
    throw IndexError(
        fmt::format("{}: dimension {} is out of range for a tensor of rank {} "
                    "(expected a value in [{}, {}])",
                    op, dim, rank, lo, hi));
  }
  return dim < 0 ? dim + std::max<int64_t>(rank, 1) : dim;
}

}  // namespace xgrad
