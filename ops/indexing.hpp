#pragma once
// Indexing: slices, single entries and index tensors along one dimension (PyTorch semantics).
// slice and select return views sharing x's storage (as libtorch); index_select and gather
// copy. Gradients flow back to the indexed positions (summed where an index
// repeats). Float32, float64 and int64 data (int64 is never differentiable). Index tensors are
// int64. Included by ops/shape.hpp.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Elements start, start+step, ... below end along `dim`, as Python's x[start:end:step] (a view):
/// negative start/end count from the end, both are clamped to the size, step must be > 0.
///   Example: slice(x, 1, 0, -1)  (all columns but the last)
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
/// The sub-tensor at `index` along `dim`, which is removed (negative counts from the end); a
/// view, so select(x, 0, 1).fill_(0) zeroes x's second row.
///   Example: select(x, 1, -1)  (the last column, shape [rows])
Tensor select(const Tensor& x, int64_t dim, int64_t index);
/// The entries at the positions held by `index` (int64, 1-D) along `dim`; repeats allowed.
///   Example: index_select(embeddings, 0, ids)  ([vocab, d] -> [ids.numel(), d])
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
/// out[i][j] = x[index[i][j]][j] (dim 0) or x[i][index[i][j]] (dim 1), and so on for any rank;
/// index is int64 of x's rank, no larger than x outside `dim`; out has index's shape.
///   Example: gather(log_probs, 1, labels.reshape({-1, 1}))  (the log-prob of each label)
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);

}  // namespace xgrad
