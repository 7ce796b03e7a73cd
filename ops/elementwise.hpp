#pragma once
// Elementwise arithmetic and math, with NumPy broadcasting. The operators + - * / on Tensor
// (declared in core/tensor.hpp) call these.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// a + b, broadcast.  Example: add(x, bias)
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor neg(const Tensor& x);
Tensor exp(const Tensor& x);
/// Natural logarithm (log of a negative value is NaN, of 0 is -inf, as in PyTorch).
Tensor log(const Tensor& x);
/// x^exponent elementwise.  Example: pow(x, 2.0)
Tensor pow(const Tensor& x, double exponent);
/// a^b elementwise, both tensors differentiable, broadcast (d/db = a^b log a).
///   Example: pow(base, exponents)
Tensor pow(const Tensor& a, const Tensor& b);
/// |x|; its gradient at 0 is 0, as in PyTorch.  Example: abs(x - y)
Tensor abs(const Tensor& x);
/// Square root (NaN for negative values, as in PyTorch).  Example: sqrt(var + 1e-5)
Tensor sqrt(const Tensor& x);
/// Sine (radians).  Example: sin(phase)
Tensor sin(const Tensor& x);
/// Cosine (radians).  Example: cos(phase)
Tensor cos(const Tensor& x);
/// Hyperbolic tangent.  Example: tanh(h)
Tensor tanh(const Tensor& x);
/// Logistic sigmoid 1 / (1 + exp(-x)), without overflow for large |x|.  Example: sigmoid(logits)
Tensor sigmoid(const Tensor& x);
/// x limited to [lo, hi] (use +-infinity for a one-sided clamp); the gradient is 1 inside
/// [lo, hi] (bounds included) and 0 outside, as in PyTorch. ValueError when lo > hi.
///   Example: clamp(x, -1.0, 1.0)
Tensor clamp(const Tensor& x, double lo, double hi);
/// Elementwise larger of a and b, broadcast (NaN if either is NaN); tied elements send half
/// the gradient to each, as in PyTorch.  Example: maximum(x, zeros_like(x))
Tensor maximum(const Tensor& a, const Tensor& b);
/// Elementwise smaller of a and b, broadcast; ties split the gradient half/half.
///   Example: minimum(x, y)
Tensor minimum(const Tensor& a, const Tensor& b);
/// a where cond is true (nonzero, for a float32/float64/int64 cond), else b; all three
/// broadcast. Differentiable in a and b, never in cond.  Example: where(mask, x, zeros_like(x))
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
/// A copy of the data that stays in the graph (its gradient is the identity).
Tensor clone(const Tensor& x);
/// Converts between dtypes; differentiable between float32 and float64.
Tensor to(const Tensor& x, DType dtype);

}  // namespace xgrad
