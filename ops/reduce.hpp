#pragma once
// Reductions over all elements or over a list of dimensions.
#include "../core/tensor.hpp"

namespace xgrad {

/// Sum over `dims` (all elements when empty), keeping reduced dims as size 1 when `keepdim`.
///   sum(x)            -> 0-d tensor
///   sum(x, {1}, true) -> shape [n, 1]
Tensor sum(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
/// Mean over `dims` (all elements when empty).
Tensor mean(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
/// Sums `x` down to `shape` (the reverse of broadcasting `shape` up to x's shape): the
/// gradient of a broadcast operand.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace xgrad
