#pragma once
// Matrix products, through BLAS gemm.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Matrix product, as torch::matmul for ranks 1 to 3:
///   [k] x [k] -> []   [m, k] x [k] -> [m]   [k] x [k, n] -> [n]   [m, k] x [k, n] -> [m, n]
///   [B, m, k] x [k, n] -> [B, m, n] (one gemm)   [B|1, m, k] x [B|1, k, n] -> [B, m, n]
Tensor matmul(const Tensor& a, const Tensor& b);
/// x W^T + b for x [..., in], W [out, in], b [out] (optional): one gemm with the bias as its
/// starting value.  Example: linear(x, weight, bias)
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
/// relu(linear(x, weight, bias)) fused: the bias and the relu are applied to each block of
/// the product right after it is computed, while it is in cache, and the pre-activation is
/// never stored. Same values and gradients as the composition (up to float rounding);
/// nn::Sequential and nn::MLP use it for a Linear followed by a ReLU when no hook needs the
/// Linear's output.  Example: auto h = linear_relu(x, fc.weight, fc.bias);
Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
/// Outer product of 1-D tensors: [m] x [n] -> [m, n].
Tensor outer(const Tensor& a, const Tensor& b);
/// Batched op(a[i]) op(b[i]) for 3-D tensors of one batch size.
Tensor bmm(const Tensor& a, const Tensor& b, bool transpose_a = false, bool transpose_b = false);
/// op(a) x op(b), where op transposes when the flag is set: the product with transposes
/// folded into gemm's flags, never materialised. matmul's backward is written with it.
Tensor mm(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b);
/// a @ b for plain 2-D matrices: mm(a, b) as libtorch.
Tensor mm(const Tensor& a, const Tensor& b);
/// beta·input + alpha·(m1 @ m2), input broadcast (libtorch's addmm).  Example: addmm(b, x, W)
Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, double beta = 1.0,
             double alpha = 1.0);
/// matmul for any ranks >= 1 with batch dims broadcast as in libtorch ([2, 3, m, k] x [k, n],
/// [2, 1, m, k] x [5, k, n], ...): the batches are flattened into one bmm. matmul calls it
/// for what its faster paths do not cover.
Tensor matmul_broadcast(const Tensor& a, const Tensor& b);

}  // namespace xgrad
