#include "core/shape.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace xgrad {

std::string shape_str(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

int64_t shape_numel(const Shape& shape) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  return n;
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
