// Gradient flow: a leaf used twice, diamond, fan-out, retain_grad on a non-leaf, node structure.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

TEST(GraphTopology, LeafUsedTwiceInMul) {
  auto x = xg::tensor({1.0, -2.0, 3.0}, xg::kFloat64).requires_grad_();
  (x * x).sum().backward();  // 2x
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, -4, 6}));
}

TEST(GraphTopology, LeafUsedTwiceInAdd) {
  auto x = xg::tensor({1.0, -2.0, 3.0}, xg::kFloat64).requires_grad_();
  (x + x).sum().backward();  // 2
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 2, 2}));
}

TEST(GraphTopology, LeafUsedTwiceInSubIsZero) {
  auto x = xg::tensor({1.0, -2.0}, xg::kFloat64).requires_grad_();
  (x - x).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 0}));
}

TEST(GraphTopology, LeafUsedTwiceInDiv) {
  auto x = xg::tensor({1.0, -2.0}, xg::kFloat64).requires_grad_();
  (x / x).sum().backward();  // x/x = 1: gradient 1/x - x/x^2 = 0
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 0}, 1e-15));
}

TEST(GraphTopology, Diamond) {
  // a = exp(x), b = x * x, y = sum(a * b): dy/dx = exp(x) (x^2 + 2x)
  auto x = xg::tensor({0.5, -1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto a = xg::exp(x);
  auto b = x * x;
  (a * b).sum().backward();
  std::vector<double> expected;
  for (double v : {0.5, -1.0, 2.0}) expected.push_back(std::exp(v) * (v * v + 2 * v));
  EXPECT_TRUE(ValuesEqual(x.grad(), expected, 1e-12));
}

TEST(GraphTopology, DiamondThroughSharedNonLeaf) {
  // h = 3x used by two branches: y = sum(h * 2 + h * h): dy/dh = 2 + 2h, dy/dx = 3 (2 + 2h)
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 3.0;
  (h * 2.0 + h * h).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {24, 42}));
}

TEST(GraphTopology, WideFanOut) {
  // y = sum_{i<100} x * i: dy/dx = sum i = 4950
  auto x = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  xg::Tensor y = x * 0.0;
  for (int i = 1; i < 100; ++i) y = y + x * static_cast<double>(i);
  y.sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {4950}));
}

TEST(GraphTopology, RetainGradOnNonLeaf) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 2.0;
  h.retain_grad();
  EXPECT_TRUE(h.retains_grad());
  auto y = (h * h).sum();  // dy/dh = 2h = [4, 8]
  y.backward();
  ASSERT_TRUE(h.grad().defined());
  EXPECT_TRUE(ValuesEqual(h.grad(), {4, 8}));
  EXPECT_TRUE(ValuesEqual(x.grad(), {8, 16}));
}

TEST(GraphTopology, NonLeafWithoutRetainGradKeepsNoGrad) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto h = x * 2.0;
  (h * h).sum().backward();
  EXPECT_FALSE(h.retains_grad());
  EXPECT_FALSE(h.grad().defined());
}

TEST(GraphTopology, RetainGradAccumulatesAcrossBackwards) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 2.0;
  h.retain_grad();
  auto y = (h * 3.0).sum();
  y.backward({}, true);
  y.backward();
  EXPECT_TRUE(ValuesEqual(h.grad(), {6, 6}));
}

TEST(GraphTopology, RetainGradOnTensorNotRequiringGradThrows) {
  auto c = xg::tensor({1.0});
  EXPECT_THROW(c.retain_grad(), xg::AutogradError);
}

TEST(GraphTopology, LeafAndNonLeafStructure) {
  auto x = xg::tensor({1.0}).requires_grad_();
  EXPECT_TRUE(x.is_leaf());
  EXPECT_EQ(x.grad_fn(), nullptr);
  auto y = x * x;
  EXPECT_FALSE(y.is_leaf());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward");
  ASSERT_EQ(y.grad_fn()->next_edges().size(), 2u);
  // Both edges of x * x lead to x's one AccumulateGrad node.
  EXPECT_EQ(y.grad_fn()->next_edges()[0].node, y.grad_fn()->next_edges()[1].node);
  EXPECT_EQ(y.grad_fn()->next_edges()[0].node->name(), "AccumulateGrad");
  auto z = y.sum();
  EXPECT_EQ(z.grad_fn()->name(), "SumBackward");
  EXPECT_EQ(z.grad_fn()->next_edges()[0].node, y.grad_fn());
}

TEST(GraphTopology, InputNotRequiringGradHasNoEdge) {
  auto x = xg::tensor({1.0}).requires_grad_();
  auto c = xg::tensor({2.0});
  auto y = x * c;
  ASSERT_EQ(y.grad_fn()->next_edges().size(), 2u);
  EXPECT_TRUE(y.grad_fn()->next_edges()[0].is_valid());
  EXPECT_FALSE(y.grad_fn()->next_edges()[1].is_valid());
}

TEST(GraphTopology, ReshapeViewGradientReachesLeaf) {
  auto x = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat64).requires_grad_();
  auto v = x.reshape({4});
  (v * xg::tensor({1.0, 2.0, 3.0, 4.0}, xg::kFloat64)).sum().backward();
  EXPECT_EQ(x.grad().shape(), (xg::Shape{2, 2}));
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 2, 3, 4}));
}

TEST(GraphTopology, ToFloat32AndBackGivesGradInLeafDtype) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto y = x.to(xg::kFloat32);
  EXPECT_EQ(y.dtype(), xg::kFloat32);
  (y * 3.0).sum().backward();
  EXPECT_EQ(x.grad().dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(x.grad(), {3, 3}));
}

}  // namespace
