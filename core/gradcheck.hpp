#pragma once
// gradcheck: compares the gradient autograd computes with central finite differences, in
// float64, element by element.
//
//   auto x = xgrad::randn({3, 4}, xgrad::kFloat64).requires_grad_();
//   auto r = xgrad::gradcheck([](const xgrad::TensorList& in) { return xgrad::exp(in[0]); }, {x});
//   if (!r) std::cerr << r.message;   // names the input, the element and the difference
#include <functional>
#include <string>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

struct GradcheckResult {
  bool ok = true;
  /// Empty when ok; otherwise which input, element and output differ, by how much, and
  /// how many entries of the Jacobian differ in all.
  std::string message;
  explicit operator bool() const { return ok; }
};

using GradcheckFn = std::function<Tensor(const TensorList&)>;

/// Checks d fn(inputs) / d input for every input that requires grad (all must be float64).
/// An entry passes when |analytical - numerical| <= atol + rtol * |numerical|.
GradcheckResult gradcheck(const GradcheckFn& fn, const TensorList& inputs, double eps = 1e-6,
                          double atol = 1e-5, double rtol = 1e-3);

/// Checks second derivatives: for a fixed random grad_output v, each first-order gradient
/// grad(fn(inputs), input_i, v) (computed with create_graph) is itself gradchecked against
/// every input.
GradcheckResult gradgradcheck(const GradcheckFn& fn, const TensorList& inputs, double eps = 1e-6,
                              double atol = 1e-5, double rtol = 1e-3);

}  // namespace xgrad
