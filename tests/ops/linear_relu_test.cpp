// linear_relu: relu(linear(x, W, b)) with the bias and the relu in the product's epilogue.
// Float64 gradchecks (first and second order), the same values and gradients as the
// composition in float32 on products large enough to be split into blocks, the same bits on
// one thread and two, autocast, k = 0, and the errors.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::GradcheckPasses;
using xgtest::GradgradcheckPasses;

namespace {

double max_abs_difference(const xg::Tensor& a, const xg::Tensor& b) {
  return xg::max(xg::abs(a - b)).item();
}

/// Values and gradients of relu(linear(...)) fused or composed, for a [rows, in] input.
struct Result {
  xg::Tensor out, gx, gw, gb;
};
Result run(bool fused, int64_t rows, int64_t in, int64_t out, bool bias = true) {
  xg::manual_seed(5);
  auto x = xg::randn({rows, in}).requires_grad_();
  auto w = (xg::randn({out, in}) * 0.1).requires_grad_();
  auto b = bias ? xg::randn({out}).requires_grad_() : xg::Tensor();
  Result r;
  r.out = fused ? xg::linear_relu(x, w, b) : xg::relu(xg::linear(x, w, b));
  // A loss whose gradient differs per element, so that the mask matters.
  (r.out * r.out).sum().backward();
  r.gx = x.grad();
  r.gw = w.grad();
  if (bias) r.gb = b.grad();
  return r;
}

}  // namespace

TEST(LinearRelu, GradcheckFloat64) {
  xg::manual_seed(17);
  // Rows x in -> out; pre-activations of either sign (random data: none within the finite
  // difference step of 0 at these seeds).
  auto x = xgtest::randn_leaf({4, 3});
  auto w = xgtest::randn_leaf({5, 3});
  auto b = xgtest::randn_leaf({5});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::linear_relu(in[0], in[1], in[2]); }, {x, w, b}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::linear_relu(in[0], in[1]); }, {x, w}));
}

TEST(LinearRelu, GradcheckFloat64ThreeDimensionalInput) {
  xg::manual_seed(18);
  auto x = xgtest::randn_leaf({2, 3, 4});
  auto w = xgtest::randn_leaf({2, 4});
  auto b = xgtest::randn_leaf({2});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::linear_relu(in[0], in[1], in[2]); }, {x, w, b}));
}

TEST(LinearRelu, GradgradcheckFloat64) {
  // create_graph: the backward is recorded with differentiable ops.
  xg::manual_seed(19);
  auto x = xgtest::randn_leaf({3, 4});
  auto w = xgtest::randn_leaf({2, 4});
  auto b = xgtest::randn_leaf({2});
  EXPECT_TRUE(GradgradcheckPasses(
      [](const xg::TensorList& in) { return xg::linear_relu(in[0], in[1], in[2]); }, {x, w, b}));
}

TEST(LinearRelu, MatchesTheCompositionOnSplitProducts) {
  // 256 x 384 x 512 is split into column blocks, 512 x 384 x 128 into row blocks: each block
  // gets its epilogue. Same values and gradients as relu(linear(...)) up to float rounding.
  for (const auto& [rows, out] : {std::pair<int64_t, int64_t>{256, 512}, {512, 128}, {3, 7}}) {
    for (const bool bias : {true, false}) {
      const Result f = run(true, rows, 384, out, bias), c = run(false, rows, 384, out, bias);
      EXPECT_LE(max_abs_difference(f.out, c.out), 1e-5) << rows << "x" << out;
      EXPECT_GT(xg::min(c.out).item(), -1e-30);  // the relu is applied: nothing negative
      EXPECT_LE(max_abs_difference(f.gx, c.gx), 1e-3 * xg::max(xg::abs(c.gx)).item());
      EXPECT_LE(max_abs_difference(f.gw, c.gw), 1e-3 * xg::max(xg::abs(c.gw)).item());
      if (bias) EXPECT_LE(max_abs_difference(f.gb, c.gb), 1e-3 * xg::max(xg::abs(c.gb)).item());
    }
  }
}

TEST(LinearRelu, SameBitsOnOneThreadAndTwo) {
  xg::manual_seed(23);
  auto x = xg::randn({512, 384}), w = xg::randn({256, 384}), b = xg::randn({256});
  xg::set_num_threads(1);
  const auto one = xg::linear_relu(x, w, b);
  xg::set_num_threads(2);
  const auto two = xg::linear_relu(x, w, b);
  EXPECT_EQ(max_abs_difference(one, two), 0.0);
}

TEST(LinearRelu, UnderAutocastStaysCloseToFloat32) {
  xg::manual_seed(29);
  auto x = xg::randn({128, 256}), w = xg::randn({512, 256}) * 0.05, b = xg::randn({512});
  const auto plain = xg::linear_relu(x, w, b);
  xg::AutocastGuard guard(xg::kBFloat16);
  const auto low = xg::linear_relu(x, w, b);
  EXPECT_EQ(low.dtype(), xg::kFloat32);
  EXPECT_LE(max_abs_difference(low, plain), 2e-2 * xg::max(xg::abs(plain)).item());
  EXPECT_GE(xg::min(low).item(), 0.0);
}

TEST(LinearRelu, EmptyInnerDimensionGivesReluOfTheBias) {
  auto x = xg::zeros({3, 0}), w = xg::zeros({2, 0}), b = xg::tensor({-1.0, 2.0});
  EXPECT_TRUE(xgtest::ValuesEqual(xg::linear_relu(x, w, b), {0, 2, 0, 2, 0, 2}));
}

TEST(LinearRelu, ShapeAndDTypeErrorsNameTheOp) {
  auto x = xg::zeros({3, 4}), w = xg::zeros({2, 5});
  EXPECT_TRUE(Contains(xgtest::message_of<xg::ShapeError>([&] { xg::linear_relu(x, w); }),
                       "linear_relu: input [3, 4] does not fit weight [2, 5]"));
  auto w64 = xg::zeros({2, 4}, xg::kFloat64);
  EXPECT_THROW(xg::linear_relu(x, w64), xg::DTypeError);
}

TEST(LinearRelu, ThroughTheOpRegistry) {
  xg::manual_seed(31);
  auto x = xg::randn({2, 3}), w = xg::randn({4, 3}), b = xg::randn({4});
  const auto out = xg::ops::call("linear_relu", {x, w, b});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(max_abs_difference(out[0], xg::linear_relu(x, w, b)), 0.0);
}
