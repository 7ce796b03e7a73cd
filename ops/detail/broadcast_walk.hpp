#pragma once
// A walk over a broadcast: for each output element, the flat offsets into two operands of
// (possibly) smaller shapes. For the kernels of int64 and bool data, which are not on any hot
// path (floating kernels use ops/detail/kernels.hpp).
#include <vector>

#include <xgrad/core/shape.hpp>

namespace xgrad {

/// For each output element, the flat offsets into a and b (broadcast to `shape`).
template <class F>
inline void for_each_broadcast(const Shape& shape, const Shape& sa, const Shape& sb, F f) {
  const int64_t rank = static_cast<int64_t>(shape.size());
  const int64_t n = shape_numel(shape);
  if (sa == shape && sb == shape) {
    for (int64_t i = 0; i < n; ++i) f(i, i, i);
    return;
  }
  // Strides of a and b aligned to the output's trailing dims; 0 where broadcast.
  auto strides = [&](const Shape& s) {
    std::vector<int64_t> st(rank, 0);
    int64_t acc = 1;
    for (int64_t d = static_cast<int64_t>(s.size()) - 1, o = rank - 1; d >= 0; --d, --o) {
      st[o] = s[d] == 1 ? 0 : acc;
      acc *= s[d];
    }
    return st;
  };
  const auto st_a = strides(sa), st_b = strides(sb);
  std::vector<int64_t> idx(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < n; ++i) {
    f(i, ia, ib);
    for (int64_t d = rank - 1; d >= 0; --d) {  // odometer increment
      ++idx[d];
      ia += st_a[d];
      ib += st_b[d];
      if (idx[d] < shape[d]) break;
      ia -= st_a[d] * shape[d];
      ib -= st_b[d] * shape[d];
      idx[d] = 0;
    }
  }
}

}  // namespace xgrad
