// In-place ops: version counter, stale saved tensor throws naming the op, leaf with grad refused.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::ValuesEqual;

namespace {

TEST(InPlace, ValuesAndVersionCounter) {
  auto t = xg::tensor({1.0, 2.0});
  const auto v0 = t.version();
  t.add_(xg::tensor({10.0, 20.0}));
  EXPECT_TRUE(ValuesEqual(t, {11, 22}));
  t.add_(1.0);
  t.sub_(xg::tensor({1.0, 1.0}), 2.0);
  EXPECT_TRUE(ValuesEqual(t, {10, 21}));
  t.mul_(2.0);
  t.div_(xg::tensor({4.0, 2.0}));
  EXPECT_TRUE(ValuesEqual(t, {5, 21}));
  t.fill_(3.0);
  EXPECT_TRUE(ValuesEqual(t, {3, 3}));
  t.copy_(xg::tensor({7.0, 8.0}, xg::kFloat64));  // converts the dtype
  EXPECT_TRUE(ValuesEqual(t, {7, 8}));
  t.zero_();
  EXPECT_TRUE(ValuesEqual(t, {0, 0}));
  EXPECT_EQ(t.dtype(), xg::kFloat32);
  EXPECT_EQ(t.version(), v0 + 8);  // one bump per in-place call
}

TEST(InPlace, CompoundAssignmentOperators) {
  auto t = xg::tensor({2.0, 4.0});
  t += xg::tensor({1.0, 1.0});
  t -= xg::tensor({0.5, 0.5});
  t *= xg::tensor({2.0, 2.0});
  t /= xg::tensor({5.0, 9.0});
  EXPECT_TRUE(ValuesEqual(t, {1, 1}));
}

TEST(InPlace, BroadcastOperand) {
  auto t = xg::zeros({2, 3});
  t.add_(xg::tensor({1.0, 2.0, 3.0}));
  EXPECT_TRUE(ValuesEqual(t, {1, 2, 3, 1, 2, 3}));
  EXPECT_THROW(xg::zeros({3}).add_(xg::zeros({2, 3})), xg::ShapeError);
}

TEST(InPlace, SavedTensorModifiedThenBackwardThrows) {
  auto a = xg::tensor({1.0, 2.0}).requires_grad_();
  auto b = xg::tensor({3.0, 4.0});
  auto y = (a * b).sum();  // mul saves b for a's gradient
  b.add_(1.0);
  EXPECT_THROW(y.backward(), xg::AutogradError);
}

TEST(InPlace, SavedTensorModifiedMessageNamesOp) {
  auto a = xg::tensor({1.0, 2.0}).requires_grad_();
  auto b = xg::tensor({3.0, 4.0});
  auto y = (a * b).sum();
  b.add_(1.0);
  const auto msg = xgtest::message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "mul"));
  EXPECT_TRUE(Contains(msg, "modified in place"));
}

TEST(InPlace, SavedOutputModifiedThroughDetachThrowsNamingExp) {
  auto x = xg::tensor({0.0, 1.0}).requires_grad_();
  auto y = xg::exp(x);   // exp saves its output
  y.detach().mul_(2.0);  // the detached handle shares y's data
  const auto msg = xgtest::message_of<xg::AutogradError>([&] { y.sum().backward(); });
  EXPECT_TRUE(Contains(msg, "exp"));
}

TEST(InPlace, ModifiedTensorNotSavedIsFine) {
  auto a = xg::tensor({1.0, 2.0}).requires_grad_();
  auto b = xg::tensor({3.0, 4.0});
  auto y = (a + b).sum();  // add saves nothing
  b.add_(1.0);
  EXPECT_NO_THROW(y.backward());
  EXPECT_TRUE(ValuesEqual(a.grad(), {1, 1}));
}

TEST(InPlace, LeafRequiringGradRefusedInGradMode) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  EXPECT_THROW(x.add_(1.0), xg::AutogradError);
  EXPECT_THROW(x.mul_(2.0), xg::AutogradError);
  EXPECT_THROW(x.fill_(0.0), xg::AutogradError);
  EXPECT_THROW(x.zero_(), xg::AutogradError);
  EXPECT_THROW(x.copy_(xg::tensor({5.0, 6.0})), xg::AutogradError);
  EXPECT_THROW(x += xg::tensor({1.0, 1.0}), xg::AutogradError);
  EXPECT_TRUE(ValuesEqual(x, {1, 2}));  // unchanged
}

TEST(InPlace, LeafRequiringGradMessageNamesOp) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] { x.add_(1.0); }), "add_"));
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] { x.mul_(2.0); }), "mul_"));
}

TEST(InPlace, NonLeafRequiringGradRefusedInGradMode) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.add_(1.0), xg::AutogradError);
}

TEST(InPlace, LeafRequiringGradAllowedUnderNoGrad) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  const auto v0 = x.version();
  {
    xg::NoGradGuard no_grad;
    x.sub_(xg::tensor({0.5, 0.5}), 2.0);  // an SGD-like step
  }
  EXPECT_TRUE(ValuesEqual(x, {0, 1}));
  EXPECT_GT(x.version(), v0);
  EXPECT_TRUE(x.requires_grad());
  EXPECT_TRUE(x.is_leaf());
}

TEST(InPlace, LeafUpdatedAfterBackwardCanBeUsedAgain) {
  auto w = xg::tensor({1.0, 2.0}).requires_grad_();
  for (int step = 0; step < 3; ++step) {
    auto loss = (w * w).sum();
    loss.backward();
    xg::NoGradGuard no_grad;
    w.sub_(w.grad(), 0.25);  // w -= 0.25 * 2w = w / 2
    w.zero_grad();
  }
  EXPECT_TRUE(ValuesEqual(w, {0.125, 0.25}));
}

TEST(InPlace, DtypeMismatchIsDTypeError) {
  auto t = xg::tensor({1.0, 2.0});
  EXPECT_THROW(t.add_(xg::tensor({1.0, 2.0}, xg::kFloat64)), xg::DTypeError);
}

}  // namespace
