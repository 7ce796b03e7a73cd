#pragma once
// Shape manipulation (PyTorch semantics). As in libtorch, transpose, permute, expand, view,
// squeeze, unsqueeze, split, chunk, narrow and diagonal return views sharing x's storage
// (reshape and flatten too when the layout allows, else a copy); concat and stack copy. All take float32 and float64; all but transpose, expand
// and broadcast_to take int64 data too (never differentiable). Indexing ops (slice, select,
// index_select, gather) are in ops/indexing.hpp.
#include <vector>

#include <xgrad/core/tensor.hpp>
#include <xgrad/ops/indexing.hpp>

namespace xgrad {

/// Same data in a new shape (one entry may be -1: inferred): a view of x when its strides
/// allow one (always for a contiguous x), else a contiguous copy, as libtorch.
Tensor reshape(const Tensor& x, const Shape& shape);
/// As reshape, but always a view: ShapeError (libtorch's "use .reshape(...) instead") when
/// x's strides cannot be viewed as `shape` (a transposed x viewed flat).
///   Example: view(x, {-1, 28 * 28})
Tensor view(const Tensor& x, const Shape& shape);
/// Merges dims start_dim..end_dim into one (a 0-d tensor becomes [1]). Shares the data.
///   Example: flatten(images, 1)  ([n, c, h, w] -> [n, c*h*w])
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
/// Removes every dimension of size 1. Shares the data.  Example: squeeze(x)  ([2, 1, 3] -> [2, 3])
Tensor squeeze(const Tensor& x);
/// Removes dimension `dim` if its size is 1 (else returns x).  Example: squeeze(x, 1)
Tensor squeeze(const Tensor& x, int64_t dim);
/// Inserts a size-1 dimension at `dim` (in [-rank-1, rank]).
///   Example: unsqueeze(x, 0)  ([3] -> [1, 3])
Tensor unsqueeze(const Tensor& x, int64_t dim);
/// Swaps two dimensions.  Example: transpose(x, 0, 1)
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
/// Reorders the dimensions: out dim i is x's dim dims[i].  Example: permute(x, {0, 2, 1})
Tensor permute(const Tensor& x, const Shape& dims);
/// Broadcasts x to `shape`: a view with stride 0 along the broadcast dims (nothing copied;
/// writing into it in place is refused).  Example: expand(bias, {64, 10})
Tensor expand(const Tensor& x, const Shape& shape);
/// As expand.  Example: broadcast_to(bias, {64, 10})
Tensor broadcast_to(const Tensor& x, const Shape& shape);
/// Joins tensors along an existing dim; sizes must match elsewhere.  Example: concat({a, b}, 1)
Tensor concat(const TensorList& tensors, int64_t dim = 0);
/// As concat.  Example: cat({a, b}, 0)
Tensor cat(const TensorList& tensors, int64_t dim = 0);
/// Joins same-shape tensors along a new dim.  Example: stack({a, b}, 0)  (2 x [3] -> [2, 3])
Tensor stack(const TensorList& tensors, int64_t dim = 0);
/// Chunks of split_size along dim (the last may be smaller).
///   Example: split(x, 2, 0)  ([5, 3] -> [2, 3], [2, 3], [1, 3])
TensorList split(const Tensor& x, int64_t split_size, int64_t dim = 0);
/// Chunks of the given sizes along dim (they must sum to its size).
///   Example: split_with_sizes(x, {1, 4}, 0)  ([5, 3] -> [1, 3], [4, 3])
TensorList split_with_sizes(const Tensor& x, const Shape& split_sizes, int64_t dim = 0);
/// `length` entries from `start` along dim (a view, as slice).
///   Example: narrow(x, 1, 2, 3)  (columns 2, 3, 4)
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
/// `chunks` pieces along dim of ceil(size / chunks) entries each (the last smaller; fewer
/// pieces when the size does not need all of them), as libtorch.  Example: chunk(x, 3, 1)
TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
/// x broadcast to other's shape (a view, as expand).  Example: expand_as(bias, x)
Tensor expand_as(const Tensor& x, const Tensor& other);
/// One-hot encoding of int64 class indices: [...] -> [..., num_classes] int64 (num_classes
/// -1: max + 1).  Example: one_hot(labels, 10).to(kFloat32)
Tensor one_hot(const Tensor& labels, int64_t num_classes = -1);
/// The diagonal of dims (dim1, dim2) as a view: those dims are removed and one of the diagonal's
/// length appended; offset > 0 is above the main diagonal, < 0 below (libtorch's diagonal).
///   Example: diagonal(m, 0, 0, 1)  ([n, n] -> [n]);  m.diagonal().fill_(1)
Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2);

}  // namespace xgrad
