#pragma once
// Internal: which consecutive modules nn::Sequential and nn::MLP run as one fused op.
#include <typeinfo>

#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/linear.hpp>

namespace xgrad::nn::detail {

/// relu(first(x)) as one fused linear_relu (the bias and the relu in the product's epilogue)
/// when `first` is exactly an nn::Linear and `second` exactly an nn::ReLU, and neither has
/// hooks; otherwise an undefined Tensor, and the caller runs the modules one by one.
/// Exact types, because a subclass may override forward. No hooks, because the fused op never
/// stores the Linear's output (a forward hook on the Linear would need it) and a hook on the
/// ReLU (insight's GradientMonitor registers forward and backward hooks on activations)
/// expects the module to be called.
inline Tensor fused_linear_relu(Module& first, Module& second, const Tensor& x) {
  if (typeid(first) != typeid(Linear) || typeid(second) != typeid(ReLU)) return Tensor();
  if (first.has_hooks() || second.has_hooks()) return Tensor();
  return static_cast<Linear&>(first).forward_relu(x);
}

}  // namespace xgrad::nn::detail
