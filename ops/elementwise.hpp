#pragma once
// Elementwise arithmetic and math, with NumPy broadcasting. The operators + - * / on Tensor
// (declared in core/tensor.hpp) call these.
#include "../core/tensor.hpp"

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
/// A copy of the data that stays in the graph (its gradient is the identity).
Tensor clone(const Tensor& x);
/// Converts between dtypes; differentiable between float32 and float64.
Tensor to(const Tensor& x, DType dtype);

}  // namespace xgrad
