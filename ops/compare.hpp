#pragma once
// Comparisons, masks and tests on whole tensors. Comparisons give bool tensors (1 byte per
// element, never differentiable) and broadcast; an int64/bool operand meets a floating one in
// the floating dtype, float32 with float64 is a DTypeError (convert with .to()).
//   auto correct = (logits.argmax(1) == labels).sum().item<int64_t>();
//   auto y = masked_fill(scores, mask, -1e9);
// The operators == != < <= > >= & | ~ are declared with Tensor in core/tensor.hpp.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
/// With a scalar: x > 0.5 (an int64 x against a fractional scalar is compared as float64).
Tensor eq(const Tensor& a, double b);
Tensor ne(const Tensor& a, double b);
Tensor lt(const Tensor& a, double b);
Tensor le(const Tensor& a, double b);
Tensor gt(const Tensor& a, double b);
Tensor ge(const Tensor& a, double b);

/// Elementwise logic on bool tensors (int64 is accepted as nonzero = true).
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& a);

/// True (0-d bool) when any / all elements are nonzero; with a dim, along it.
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, int64_t dim, bool keepdim = false);

/// x with `value` where mask (bool, broadcast to x's shape) is true; differentiable in x (the
/// filled positions get no gradient).  Example: masked_fill(scores, mask, -1e9)
Tensor masked_fill(const Tensor& x, const Tensor& mask, double value);
/// where() with a scalar on one side: where(x > 0, x, 0.0).
Tensor where(const Tensor& cond, const Tensor& a, double b);
Tensor where(const Tensor& cond, double a, const Tensor& b);

/// |a - b| <= atol + rtol |b| everywhere (NaNs equal only when equal_nan), shapes broadcast.
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8,
              bool equal_nan = false);
/// Same shape and the same values (dtypes must match).
bool equal(const Tensor& a, const Tensor& b);

}  // namespace xgrad
