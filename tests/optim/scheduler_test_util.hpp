#pragma once
// Shared by the scheduler tests: a one-parameter SGD to schedule, stepping it, and relative
// comparison of learning rates.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include <xgrad/optim/optimizers/sgd.hpp>

#include "core/test_helpers.hpp"

namespace schedtest {
namespace xg = xgrad;

/// A float64 parameter with a constant gradient, and SGD(lr, momentum 0.9) over it.
struct SgdFixture {
  explicit SgdFixture(double lr = 0.1, double momentum = 0.9) {
    param = xg::zeros({2}, xg::kFloat64).requires_grad_();
    param.set_grad(xg::ones({2}, xg::kFloat64));
    opt = std::make_unique<xg::optim::SGD>(std::vector<xg::Tensor>{param},
                                           xg::optim::SGDOptions(lr).momentum(momentum));
  }
  double lr(size_t group = 0) const { return opt->param_groups()[group].options().get_lr(); }
  xg::Tensor param;
  std::unique_ptr<xg::optim::SGD> opt;
};

/// |a − b| ≤ rel·|b| (exact when b = 0).
inline ::testing::AssertionResult RelNear(double a, double b, double rel = 1e-12) {
  if (std::abs(a - b) <= rel * std::abs(b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << a << " vs expected " << b << " (relative error " << std::abs(a - b) / std::abs(b)
         << ", allowed " << rel << ")";
}

}  // namespace schedtest
