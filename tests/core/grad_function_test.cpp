// xg::grad: gradients without touching .grad, allow_unused, non-leaf inputs, argument errors.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::ValuesEqual;

namespace {

TEST(GradFunction, ReturnsGradientsWithoutTouchingDotGrad) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto w = xg::tensor({4.0, 5.0, 6.0}, xg::kFloat64).requires_grad_();
  auto y = (x * w).sum();
  auto g = xg::grad({y}, {x, w});
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(ValuesEqual(g[0], {4, 5, 6}));
  EXPECT_TRUE(ValuesEqual(g[1], {1, 2, 3}));
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(w.grad().defined());
  EXPECT_FALSE(g[0].requires_grad());  // no create_graph
}

TEST(GradFunction, OnlyRequestedInputs) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto w = xg::tensor({3.0, 4.0}, xg::kFloat64).requires_grad_();
  auto y = (x * w).sum();
  auto g = xg::grad({y}, {w});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(ValuesEqual(g[0], {1, 2}));
  EXPECT_FALSE(x.grad().defined());
}

TEST(GradFunction, FreesGraphByDefault) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * x).sum();
  xg::grad({y}, {x});
  EXPECT_THROW(xg::grad({y}, {x}), xg::AutogradError);
}

TEST(GradFunction, RetainGraphAllowsRepeat) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = (x * x).sum();
  auto g1 = xg::grad({y}, {x}, {}, /*retain_graph=*/true);
  auto g2 = xg::grad({y}, {x});
  EXPECT_TRUE(ValuesEqual(g1[0], {2, 4}));
  EXPECT_TRUE(ValuesEqual(g2[0], {2, 4}));
}

TEST(GradFunction, UnusedInputThrowsWithoutAllowUnused) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto unused = xg::tensor({3.0}).requires_grad_();
  auto y = (x * x).sum();
  EXPECT_THROW(xg::grad({y}, {x, unused}, {}, true), xg::AutogradError);
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] {
                         xg::grad({y}, {x, unused}, {}, true);
                       }),
                       "input 1"));
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] {
                         xg::grad({y}, {x, unused}, {}, true);
                       }),
                       "allow_unused"));
}

TEST(GradFunction, AllowUnusedGivesUndefined) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto unused = xg::tensor({3.0}).requires_grad_();
  auto y = (x * x).sum();
  auto g = xg::grad({y}, {x, unused}, {}, {}, false, /*allow_unused=*/true);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_TRUE(ValuesEqual(g[0], {2, 4}));
  EXPECT_FALSE(g[1].defined());
}

TEST(GradFunction, InputNotRequiringGradThrows) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto c = xg::tensor({1.0, 2.0});
  auto y = (x * c).sum();
  EXPECT_THROW(xg::grad({y}, {c}), xg::AutogradError);
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] { xg::grad({y}, {c}, {}, true); }),
                       "does not require grad"));
}

TEST(GradFunction, NoInputsIsValueError) {
  auto x = xg::tensor({1.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(xg::grad({y}, {}), xg::ValueError);
}

TEST(GradFunction, NoOutputsIsValueError) {
  auto x = xg::tensor({1.0}).requires_grad_();
  EXPECT_THROW(xg::grad({}, {x}), xg::ValueError);
}

TEST(GradFunction, WithRespectToNonLeaf) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 3.0;
  auto y = (h * h).sum();  // dy/dh = 2h = [6, 12]
  auto g = xg::grad({y}, {h, x});
  EXPECT_TRUE(ValuesEqual(g[0], {6, 12}));
  EXPECT_TRUE(ValuesEqual(g[1], {18, 36}));
}

TEST(GradFunction, WithGradOutputs) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto y = x * x;
  auto g = xg::grad({y}, {x}, {xg::tensor({10.0, -1.0}, xg::kFloat64)});
  EXPECT_TRUE(ValuesEqual(g[0], {20, -4}));
}

TEST(GradFunction, TooManyGradOutputsIsValueError) {
  auto x = xg::tensor({1.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(xg::grad({y}, {x}, {xg::ones({1}), xg::ones({1})}), xg::ValueError);
}

TEST(GradFunction, CreateGraphGivesDifferentiableResult) {
  auto x = xg::tensor({2.0}, xg::kFloat64).requires_grad_();
  auto y = (x * x * x).sum();
  auto g = xg::grad({y}, {x}, {}, {}, /*create_graph=*/true)[0];
  EXPECT_TRUE(g.requires_grad());
  EXPECT_NE(g.grad_fn(), nullptr);
  EXPECT_TRUE(ValuesEqual(g, {12}));
  EXPECT_FALSE(x.grad().defined());
}

}  // namespace
