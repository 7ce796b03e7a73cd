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
/// Largest value over `dims` (all elements when empty); tied maxima share the gradient.
///   max(x)         -> 0-d;   max(x, 1) or max(x, {1}) -> row maxima
Tensor max(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
Tensor max(const Tensor& x, int64_t dim, bool keepdim = false);
/// Smallest value over `dims` (all elements when empty).
Tensor min(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, int64_t dim, bool keepdim = false);
/// Variance over `dims`, dividing by n - 1 when `unbiased`, else by n.
Tensor var(const Tensor& x, const Shape& dims = {}, bool unbiased = true, bool keepdim = false);
/// p-norm (p = 1 or 2) over `dims` (all elements when empty).  Example: norm(w, 2)
Tensor norm(const Tensor& x, double p = 2, const Shape& dims = {}, bool keepdim = false);
/// log(sum(exp(x))) over `dims`, computed stably (no overflow for large x).
Tensor logsumexp(const Tensor& x, const Shape& dims, bool keepdim = false);
/// Index (int64) of the largest value along `dim` (the first, on ties). Not differentiable.
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
/// Flat index (int64, 0-d) of the largest element.
Tensor argmax(const Tensor& x);
/// Sums `x` down to `shape` (the reverse of broadcasting `shape` up to x's shape): the
/// gradient of a broadcast operand.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace xgrad
