#pragma once
// Shape manipulation.
#include "../core/tensor.hpp"

namespace xgrad {

/// Same data in a new shape (one entry may be -1: inferred). Shares the data with x.
Tensor reshape(const Tensor& x, const Shape& shape);
/// Swaps two dimensions.  Example: transpose(x, 0, 1)
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
/// Broadcasts x to `shape` (copying the data).  Example: expand(bias, {64, 10})
Tensor expand(const Tensor& x, const Shape& shape);

}  // namespace xgrad
