// Backward: gradients accumulate, retain_graph, backward through a freed graph, zero_grad.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::ValuesEqual;

namespace {

TEST(BackwardAccumulation, GradIsUndefinedBeforeBackward) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  EXPECT_FALSE(x.grad().defined());
}

TEST(BackwardAccumulation, AccumulatesAcrossSeparateGraphs) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  {
    auto y = (x * x).sum();  // d/dx = 2x
    y.backward();
  }
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 4, 6}));
  {
    auto y = (x * 3.0).sum();  // d/dx = 3
    y.backward();
  }
  EXPECT_TRUE(ValuesEqual(x.grad(), {5, 7, 9}));
}

TEST(BackwardAccumulation, GradKeepsLeafShapeAndDtype) {
  auto x = xg::ones({2, 3}, xg::kFloat64).requires_grad_();
  (x * 2.0).sum().backward();
  EXPECT_EQ(x.grad().shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(x.grad().dtype(), xg::kFloat64);
  EXPECT_FALSE(x.grad().requires_grad());
  auto f = xg::ones({4}).requires_grad_();
  (f * 2.0).sum().backward();
  EXPECT_EQ(f.grad().dtype(), xg::kFloat32);
}

TEST(BackwardAccumulation, RetainGraphAllowsSecondBackward) {
  auto x = xg::tensor({1.0, -2.0}, xg::kFloat64).requires_grad_();
  auto y = (x * x * x).sum();  // d/dx = 3 x^2
  y.backward({}, /*retain_graph=*/true);
  EXPECT_TRUE(ValuesEqual(x.grad(), {3, 12}));
  y.backward({}, /*retain_graph=*/true);
  EXPECT_TRUE(ValuesEqual(x.grad(), {6, 24}));
  y.backward();  // the last one may free the graph
  EXPECT_TRUE(ValuesEqual(x.grad(), {9, 36}));
}

TEST(BackwardAccumulation, SecondBackwardWithoutRetainGraphThrows) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * x).sum();
  y.backward();
  EXPECT_THROW(y.backward(), xg::AutogradError);
}

TEST(BackwardAccumulation, SecondBackwardMessageSaysSecondTime) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * x).sum();
  y.backward();
  const auto msg = xgtest::message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "second time"));
  EXPECT_TRUE(Contains(msg, "retain_graph"));
}

TEST(BackwardAccumulation, FailedSecondBackwardLeavesGradUnchanged) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * x).sum();
  y.backward();
  EXPECT_THROW(y.backward(), xg::AutogradError);
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 4}));
}

TEST(BackwardAccumulation, ZeroGradSetToNone) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  (x * 2.0).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  x.zero_grad();  // set_to_none defaults to true
  EXPECT_FALSE(x.grad().defined());
  (x * 3.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {3, 3}));
}

TEST(BackwardAccumulation, ZeroGradToZeros) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  (x * 2.0).sum().backward();
  x.zero_grad(/*set_to_none=*/false);
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().shape(), (xg::Shape{2}));
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 0}));
  (x * 3.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {3, 3}));
}

TEST(BackwardAccumulation, ZeroGradToZerosWithoutGradStaysUndefined) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  x.zero_grad(false);
  EXPECT_FALSE(x.grad().defined());
}

TEST(BackwardAccumulation, SetGradReplacesAndChecksShape) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  x.set_grad(xg::tensor({10.0, 20.0}));
  (x * 1.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {11, 21}));
  EXPECT_THROW(x.set_grad(xg::tensor({1.0, 2.0, 3.0})), xg::ShapeError);
  x.set_grad(xg::Tensor());
  EXPECT_FALSE(x.grad().defined());
}

TEST(BackwardAccumulation, GraphThatSavedNothingCanRunAgain) {
  // As in PyTorch, only nodes whose saved tensors were freed refuse a second backward.
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * 2.0 + 1.0).sum();
  y.backward();
  EXPECT_NO_THROW(y.backward());
  EXPECT_TRUE(ValuesEqual(x.grad(), {4, 4}));
}

TEST(BackwardAccumulation, ExplicitGradOutputWeightsTheGradient) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto y = x * x;  // non-scalar
  y.backward(xg::tensor({1.0, 0.5, -1.0}, xg::kFloat64));
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 2, -6}));
}

TEST(BackwardAccumulation, BackwardOnLeafItself) {
  auto x = xg::full({}, 3.0).requires_grad_();
  x.backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {1}));
}

TEST(BackwardAccumulation, MultipleOutputsAtOnce) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto y1 = (x * x).sum();
  auto y2 = (x * 5.0).sum();
  xg::backward({y1, y2});
  EXPECT_TRUE(ValuesEqual(x.grad(), {7, 9}));
}

// Regression (fixed): a second graph built over the same leaf cannot be backpropagated while an
// earlier, already backpropagated graph over that leaf is still alive.
TEST(BackwardAccumulation, SecondGraphWhileFirstGraphAlive) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto y1 = (x * x).sum();
  y1.backward();
  auto y2 = (x * x).sum();  // y1's graph (and x's AccumulateGrad) still alive
  EXPECT_NO_THROW(y2.backward());
  EXPECT_TRUE(ValuesEqual(x.grad(), {4, 8}));
}

// Regression (fixed): same root cause as above, in a training-loop shape: reassigning `loss` builds
// the new graph before the old one is dropped.
TEST(BackwardAccumulation, TrainingLoopReassigningLoss) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  xg::Tensor loss;
  for (int i = 0; i < 3; ++i) {
    loss = (x * x).sum();
    EXPECT_NO_THROW(loss.backward()) << "iteration " << i;
  }
  EXPECT_TRUE(ValuesEqual(x.grad(), {6, 12}));
}

// Regression (fixed): with create_graph=true the first gradient stored into a leaf's .grad is the
// incoming tensor itself, not a copy (core/node.cpp accumulate_into_grad: `impl.grad = incoming`),
// so leaves fed by the same gradient tensor share one .grad tensor with each other and with the
// caller's grad_output; a later accumulation without create_graph then adds in place into that
// shared tensor.
TEST(BackwardAccumulation, CreateGraphGradsDoNotAlias) {
  auto a = xg::zeros({3}, xg::kFloat64).requires_grad_();
  auto b = xg::zeros({3}, xg::kFloat64).requires_grad_();
  auto G = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64);
  auto y = a + b;
  y.backward(G, /*retain_graph=*/true, /*create_graph=*/true);
  EXPECT_FALSE(a.grad().is_same(b.grad()));
  y.backward(G);
  EXPECT_TRUE(ValuesEqual(G, {1, 2, 3}));
  EXPECT_TRUE(ValuesEqual(a.grad(), {2, 4, 6}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {2, 4, 6}));
}

}  // namespace
