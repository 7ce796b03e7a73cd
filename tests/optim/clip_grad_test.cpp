// Gradient clipping: exact values on hand cases, the returned pre-clip norm, no-ops,
// non-finite norms, parameters without gradients, and argument errors.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <xgrad/optim/clip_grad.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::t64;
using xgtest::ValuesEqual;

/// Two parameters with gradients [3, 4] and [[0, -12]]: 2-norm 13, 1-norm 19, inf-norm 12.
std::vector<xg::Tensor> two_params() {
  auto a = xg::zeros({2}, xg::kFloat64).requires_grad_();
  auto b = xg::zeros({1, 2}, xg::kFloat64).requires_grad_();
  a.set_grad(t64({3, 4}, {2}));
  b.set_grad(t64({0, -12}, {1, 2}));
  return {a, b};
}

void expect_scaled(const std::vector<xg::Tensor>& p, double coef) {
  EXPECT_TRUE(ValuesEqual(p[0].grad(), {3 * coef, 4 * coef}, 1e-15));
  EXPECT_TRUE(ValuesEqual(p[1].grad(), {0, -12 * coef}, 1e-15));
}

TEST(ClipGradNorm, TwoNormScalesByMaxOverNormPlusEps) {
  auto p = two_params();
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm(p, 6.5), 13.0);
  expect_scaled(p, 6.5 / (13.0 + 1e-6));
}

TEST(ClipGradNorm, OneNorm) {
  auto p = two_params();
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm(p, 1.0, 1.0), 19.0);
  expect_scaled(p, 1.0 / (19.0 + 1e-6));
}

TEST(ClipGradNorm, InfNormIsLargestMagnitude) {
  auto p = two_params();
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm(p, 3.0, xg::optim::kInfNorm), 12.0);
  expect_scaled(p, 3.0 / (12.0 + 1e-6));
}

TEST(ClipGradNorm, GeneralPIsNormOfPerParameterNorms) {
  auto p = two_params();
  const double n0 = std::pow(27.0 + 64.0, 1.0 / 3.0), n1 = 12.0;
  const double total = std::pow(n0 * n0 * n0 + n1 * n1 * n1, 1.0 / 3.0);
  EXPECT_NEAR(xg::optim::clip_grad_norm(p, 2.0, 3.0), total, 1e-13);
  expect_scaled(p, 2.0 / (total + 1e-6));
}

TEST(ClipGradNorm, BelowMaxIsANoOpAndKeepsVersion) {
  auto p = two_params();
  const auto v0 = p[0].grad().version();
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm(p, 13.5), 13.0);
  expect_scaled(p, 1.0);
  EXPECT_EQ(p[0].grad().version(), v0);
}

TEST(ClipGradNorm, ClippingBumpsTheGradVersion) {
  auto p = two_params();
  const auto v0 = p[1].grad().version();
  xg::optim::clip_grad_norm(p, 1.0);
  EXPECT_GT(p[1].grad().version(), v0);
}

TEST(ClipGradNorm, SkipsParametersWithoutGrad) {
  auto p = two_params();
  auto none = xg::ones({3}, xg::kFloat64).requires_grad_();
  p.insert(p.begin() + 1, none);
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm(p, 6.5), 13.0);
  EXPECT_FALSE(none.grad().defined());
  EXPECT_TRUE(ValuesEqual(p[0].grad(), {3 * 6.5 / (13 + 1e-6), 4 * 6.5 / (13 + 1e-6)}, 1e-15));
  EXPECT_EQ(xg::optim::clip_grad_norm({none}, 1.0), 0.0);
  EXPECT_EQ(xg::optim::clip_grad_norm({}, 1.0), 0.0);
}

TEST(ClipGradNorm, Float32Gradients) {
  auto a = xg::zeros({2}).requires_grad_();
  a.set_grad(xg::tensor({3.0, 4.0}));
  EXPECT_NEAR(xg::optim::clip_grad_norm({a}, 1.0), 5.0, 1e-6);
  EXPECT_TRUE(ValuesEqual(a.grad(), {0.6, 0.8}, 1e-6));
  EXPECT_EQ(a.grad().dtype(), xg::kFloat32);
}

TEST(ClipGradNorm, BackwardThenClipOnARealGraph) {
  auto w = t64({1, -2, 2}, {3}).requires_grad_();
  (w * w).sum().backward();  // grad 2w = [2, -4, 4], norm 6
  EXPECT_DOUBLE_EQ(xg::optim::clip_grad_norm({w}, 3.0), 6.0);
  EXPECT_TRUE(ValuesEqual(w.grad(), {1, -2, 2}, 1e-6));
}

TEST(ClipGradNorm, NonFiniteNormErrorsAndLeavesGradsAlone) {
  const double inf = std::numeric_limits<double>::infinity();
  auto a = xg::zeros({2}, xg::kFloat64).requires_grad_();
  a.set_grad(t64({1.0, inf}, {2}));
  const auto msg = message_of<xg::ValueError>(
      [&] { xg::optim::clip_grad_norm({a}, 1.0, 2.0, /*error_if_nonfinite=*/true); });
  EXPECT_TRUE(Contains(msg, "clip_grad_norm"));
  EXPECT_TRUE(Contains(msg, "order 2"));
  EXPECT_TRUE(Contains(msg, "inf"));
  EXPECT_TRUE(ValuesEqual(a.grad(), {1.0, inf}));

  a.set_grad(t64({1.0, std::nan("")}, {2}));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>(
                           [&] { xg::optim::clip_grad_norm({a}, 1.0, xg::optim::kInfNorm, true); }),
                       "nan"));
}

TEST(ClipGradNorm, NonFiniteNormWithoutErrorScalesLikePyTorch) {
  // PyTorch multiplies by max_norm / (inf + 1e-6) = 0: finite entries become 0, inf becomes NaN.
  auto a = xg::zeros({2}, xg::kFloat64).requires_grad_();
  a.set_grad(t64({1.0, std::numeric_limits<double>::infinity()}, {2}));
  EXPECT_TRUE(std::isinf(xg::optim::clip_grad_norm({a}, 1.0)));
  const auto g = a.grad().to_vector();
  EXPECT_EQ(g[0], 0.0);
  EXPECT_TRUE(std::isnan(g[1]));
}

TEST(ClipGradNorm, BadArguments) {
  auto p = two_params();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::optim::clip_grad_norm(p, -1.0); }),
                       "max_norm must be >= 0, got -1"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::optim::clip_grad_norm(p, 1.0, 0.0); }),
                       "norm_type"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xg::optim::clip_grad_norm({p[0], xg::Tensor()}, 1.0);
                       }),
                       "parameter 1 of 2 is an undefined tensor"));
  expect_scaled(p, 1.0);  // errors leave the gradients as they were
}

TEST(ClipGradValue, ClampsEachElement) {
  auto p = two_params();
  xg::optim::clip_grad_value(p, 3.5);
  EXPECT_TRUE(ValuesEqual(p[0].grad(), {3, 3.5}));
  EXPECT_TRUE(ValuesEqual(p[1].grad(), {0, -3.5}));
}

TEST(ClipGradValue, KeepsNaNAndSkipsMissingGrads) {
  auto a = xg::zeros({3}).requires_grad_();
  auto none = xg::zeros({2}).requires_grad_();
  a.set_grad(xg::tensor({std::nan(""), -0.25, 2.0}));
  xg::optim::clip_grad_value({a, none}, 0.5);
  const auto g = a.grad().to_vector();
  EXPECT_TRUE(std::isnan(g[0]));
  EXPECT_EQ(g[1], -0.25);
  EXPECT_EQ(g[2], 0.5);
  EXPECT_FALSE(none.grad().defined());
}

TEST(ClipGradValue, NegativeClipValueIsAnError) {
  auto p = two_params();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::optim::clip_grad_value(p, -0.1); }),
                       "clip_grad_value: clip_value must be >= 0"));
}

}  // namespace
