#pragma once
// Matrix products, through BLAS gemm.
#include "../core/tensor.hpp"

namespace xgrad {

/// Matrix product of 2-D tensors [m, k] x [k, n] -> [m, n].
Tensor matmul(const Tensor& a, const Tensor& b);
/// op(a) x op(b), where op transposes when the flag is set: the product with transposes
/// folded into gemm's flags, never materialised. matmul's backward is written with it.
Tensor mm(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);

}  // namespace xgrad
