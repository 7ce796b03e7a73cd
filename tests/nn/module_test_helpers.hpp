#pragma once
// Helpers for tests that check modules: gradcheck over a module's input and its parameters.
#include "core/test_helpers.hpp"

namespace xgtest {

/// The module's input followed by its parameters: gradcheck perturbs them in place, so the
/// module sees the perturbed parameters and the check covers d out / d parameters too.
inline xg::TensorList input_and_parameters(const xg::Tensor& x, const xg::nn::Module& m) {
  xg::TensorList in{x};
  for (const auto& p : m.parameters()) in.push_back(p);
  return in;
}

/// Random non-trivial parameters, so their gradients are checked away from 1 and 0.
inline void randomize_parameters(xg::nn::Module& m) {
  xg::NoGradGuard no_grad;
  for (const auto& p : m.parameters()) p.copy_(xg::randn(p.shape(), p.dtype()));
}

}  // namespace xgtest
