#pragma once
// Activation functions. sigmoid and tanh live with the math functions in ops/elementwise.hpp.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// max(x, 0).  Its gradient at 0 is 0, as in PyTorch.
Tensor relu(const Tensor& x);
/// x where x > 0, else negative_slope * x (gradient negative_slope at 0, as in PyTorch).
///   Example: leaky_relu(h, 0.2)
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// x where x > 0, else alpha * (exp(x) - 1).  Example: elu(h)
Tensor elu(const Tensor& x, double alpha = 1.0);
/// Exact GELU, 0.5 x (1 + erf(x / sqrt(2))) (PyTorch's approximate='none').  Example: gelu(h)
Tensor gelu(const Tensor& x);
/// SiLU (swish), x * sigmoid(x).  Example: silu(h)
Tensor silu(const Tensor& x);
/// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as PyTorch); no
/// overflow for large x. ValueError when beta is 0 or not finite.  Example: softplus(h, 1, 20)
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);

}  // namespace xgrad
