#pragma once
// xgrad::autograd: libtorch's torch::autograd names, for code written with
// `using namespace torch::autograd;` (custom Functions, grad()).
#include <xgrad/core/engine.hpp>
#include <xgrad/core/function.hpp>

namespace xgrad::autograd {
using xgrad::AutogradContext;
using xgrad::Function;
using xgrad::grad;
using tensor_list = TensorList;
using variable_list = TensorList;
}  // namespace xgrad::autograd
