#pragma once
// Reductions over all elements or over a list of dimensions.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Sum over `dims` (all elements when empty), keeping reduced dims as size 1 when `keepdim`.
///   sum(x)            -> 0-d tensor
///   sum(x, {1}, true) -> shape [n, 1]
Tensor sum(const Tensor& x, IntArrayRef dims = {}, bool keepdim = false);
/// Mean over `dims` (all elements when empty).
Tensor mean(const Tensor& x, IntArrayRef dims = {}, bool keepdim = false);
/// Largest value over `dims` (all elements when empty); tied maxima share the gradient.
///   max(x)         -> 0-d;   max(x, 1) or max(x, {1}) -> row maxima
Tensor max(const Tensor& x, IntArrayRef dims = {}, bool keepdim = false);
/// Along one dim: (values, indices) as libtorch, converting to the values Tensor.
///   auto [v, i] = max(x, 1);   Tensor m = max(x, 1);   std::get<1>(max(x, 1))
ValuesIndices max(const Tensor& x, int64_t dim, bool keepdim = false);
/// Smallest value over `dims` (all elements when empty).
Tensor min(const Tensor& x, IntArrayRef dims = {}, bool keepdim = false);
ValuesIndices min(const Tensor& x, int64_t dim, bool keepdim = false);
/// Variance over `dims`, dividing by n - 1 when `unbiased`, else by n.
Tensor var(const Tensor& x, IntArrayRef dims = {}, bool unbiased = true, bool keepdim = false);
/// p-norm (p = 1 or 2) over `dims` (all elements when empty).  Example: norm(w, 2)
Tensor norm(const Tensor& x, double p = 2, IntArrayRef dims = {}, bool keepdim = false);
/// log(sum(exp(x))) over `dims`, computed stably (no overflow for large x).
Tensor logsumexp(const Tensor& x, IntArrayRef dims, bool keepdim = false);
/// Index (int64) of the largest value along `dim` (the first, on ties). Not differentiable.
Tensor argmax(const Tensor& x, int64_t dim, bool keepdim = false);
/// Flat index (int64, 0-d) of the largest element.
Tensor argmax(const Tensor& x);
/// Index (int64) of the smallest value along `dim` (the first, on ties); argmin(x) is flat.
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor& x);
/// Standard deviation sqrt(var(x, dims, unbiased, keepdim)).  Example: std(x, 0)
Tensor std(const Tensor& x, IntArrayRef dims = {}, bool unbiased = true, bool keepdim = false);
/// Running sum along `dim` (int64/bool data: an int64 result, no autograd).
///   Example: cumsum(tensor({1, 2, 3}), 0) -> [1, 3, 6]
Tensor cumsum(const Tensor& x, int64_t dim);
/// The k largest (or smallest) values along `dim` and their indices; values differentiable.
///   auto [values, indices] = topk(logits, 5, 1);
ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true,
                   bool sorted = true);
/// Values sorted along `dim` (stable) and the indices they came from; values differentiable.
ValuesIndices sort(const Tensor& x, int64_t dim = -1, bool descending = false);
/// Sums `x` down to `shape` (the reverse of broadcasting `shape` up to x's shape): the
/// gradient of a broadcast operand.
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace xgrad
