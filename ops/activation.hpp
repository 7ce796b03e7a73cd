#pragma once
// Activation functions.
#include "../core/tensor.hpp"

namespace xgrad {

/// max(x, 0).  Its gradient at 0 is 0, as in PyTorch.
Tensor relu(const Tensor& x);

}  // namespace xgrad
