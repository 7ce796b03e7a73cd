// 100,000-step chains: closed-form gradient; destroying the graph does not overflow the stack.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;

namespace {

constexpr int kSteps = 100000;
constexpr double kA = 1.0001, kB = 0.0001;

// y_0 = x, y_{k+1} = a y_k + b   =>   y_n = a^n x + b (a^n - 1) / (a - 1),  dy_n/dx = a^n
xg::Tensor chain(const xg::Tensor& x) {
  xg::Tensor y = x;
  for (int i = 0; i < kSteps; ++i) y = y * kA + kB;
  return y;
}

TEST(LongChain, BackwardMatchesClosedFormAndGraphIsFreed) {
  const std::vector<double> x0{0.5, -1.0, 2.0, 0.0};
  auto x = xg::tensor({0.5, -1.0, 2.0, 0.0}, xg::kFloat64).requires_grad_();
  const double an = std::pow(kA, kSteps);
  {
    auto y = chain(x);
    const auto yv = y.to_vector();
    for (size_t i = 0; i < x0.size(); ++i) {
      // The same recurrence in plain doubles: the forward must round identically, up to tiny
      // differences in operation order.
      double ref = x0[i];
      for (int s = 0; s < kSteps; ++s) ref = ref * kA + kB;
      EXPECT_NEAR(yv[i], ref, 1e-12 * (1 + std::abs(ref))) << "element " << i;
      // The closed form: the recurrence's fixed point is b / (1 - a) = -1, so
      // y_n = a^n (x + 1) - 1 (rounding in 100,000 steps moves it by ~1e-8).
      EXPECT_NEAR(yv[i], an * (x0[i] + 1) - 1, 1e-6 * (1 + an)) << "element " << i;
    }
    y.sum().backward();
    for (double g : x.grad().to_vector()) EXPECT_NEAR(g, an, 1e-9 * an);
  }  // y and its 200,000-node graph are destroyed here
  SUCCEED();
}

TEST(LongChain, UnbackpropagatedGraphIsDestroyed) {
  auto x = xg::ones({4}, xg::kFloat64).requires_grad_();
  {
    auto y = chain(x);
    EXPECT_NE(y.grad_fn(), nullptr);
  }  // destroyed without ever running backward: the saved state is all still there
  SUCCEED();
}

TEST(LongChain, ChainOfSavingOpsIsDestroyed) {
  // mul saves both operands at every step (a leaf and the previous non-leaf).
  auto x = xg::ones({4}, xg::kFloat64).requires_grad_();
  auto w = xg::full({4}, 1.00001, xg::kFloat64).requires_grad_();
  {
    xg::Tensor y = x;
    for (int i = 0; i < kSteps; ++i) y = y * w;
    EXPECT_NEAR(y.to_vector()[0], std::pow(1.00001, kSteps), 1e-9);
  }
  SUCCEED();
}

TEST(LongChain, ChainOfSavingOpsBackward) {
  // y = x * w^n: dy/dx = w^n, dy/dw = n x w^(n-1)
  auto x = xg::full({2}, 2.0, xg::kFloat64).requires_grad_();
  auto w = xg::full({2}, 1.00001, xg::kFloat64).requires_grad_();
  {
    xg::Tensor y = x;
    for (int i = 0; i < kSteps; ++i) y = y * w;
    y.sum().backward();
  }
  const double wn = std::pow(1.00001, kSteps);
  for (double g : x.grad().to_vector()) EXPECT_NEAR(g, wn, 1e-9 * wn);
  const double dw = kSteps * 2.0 * std::pow(1.00001, kSteps - 1);
  for (double g : w.grad().to_vector()) EXPECT_NEAR(g, dw, 1e-8 * dw);
}

}  // namespace
