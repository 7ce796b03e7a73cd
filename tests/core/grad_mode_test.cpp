// Grad mode guards (NoGradGuard records nothing, per thread); detach() cuts graph, shares data.
#include <gtest/gtest.h>

#include <thread>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

TEST(GradMode, EnabledByDefault) {
  EXPECT_TRUE(xg::GradMode::is_enabled());
}

TEST(GradMode, NoGradGuardRecordsNothing) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  xg::Tensor y;
  {
    xg::NoGradGuard no_grad;
    EXPECT_FALSE(xg::GradMode::is_enabled());
    y = (x * x + 1.0).sum();
  }
  EXPECT_TRUE(xg::GradMode::is_enabled());
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(y.is_leaf());
  EXPECT_EQ(y.item(), 7.0);  // still computed
  EXPECT_THROW(y.backward(), xg::AutogradError);
}

TEST(GradMode, EveryOpRecordsNothingUnderNoGrad) {
  auto a = xg::ones({2, 2}, xg::kFloat64).requires_grad_();
  xg::NoGradGuard no_grad;
  const xg::Tensor results[] = {a + a,
                                a - 1.0,
                                2.0 * a,
                                a / a,
                                -a,
                                xg::exp(a),
                                xg::log(a),
                                a.pow(3.0),
                                xg::relu(a),
                                a.matmul(a),
                                a.sum(),
                                a.mean({0}),
                                a.reshape({4}),
                                a.transpose(0, 1),
                                xg::expand(a, {3, 2, 2}),
                                a.clone(),
                                a.to(xg::kFloat32)};
  for (const auto& r : results) {
    EXPECT_EQ(r.grad_fn(), nullptr);
    EXPECT_FALSE(r.requires_grad());
  }
}

TEST(GradMode, EnableGradGuardInsideNoGrad) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  xg::NoGradGuard no_grad;
  {
    xg::EnableGradGuard enable;
    EXPECT_TRUE(xg::GradMode::is_enabled());
    auto y = x * x;
    EXPECT_NE(y.grad_fn(), nullptr);
    EXPECT_TRUE(y.requires_grad());
  }
  EXPECT_FALSE(xg::GradMode::is_enabled());
}

TEST(GradMode, NestedGuardsRestoreInOrder) {
  {
    xg::AutoGradMode off(false);
    EXPECT_FALSE(xg::GradMode::is_enabled());
    {
      xg::AutoGradMode on(true);
      EXPECT_TRUE(xg::GradMode::is_enabled());
      {
        xg::NoGradGuard no_grad;
        EXPECT_FALSE(xg::GradMode::is_enabled());
      }
      EXPECT_TRUE(xg::GradMode::is_enabled());
    }
    EXPECT_FALSE(xg::GradMode::is_enabled());
  }
  EXPECT_TRUE(xg::GradMode::is_enabled());
}

TEST(GradMode, IsPerThread) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  xg::NoGradGuard no_grad;
  bool other_enabled = false, other_recorded = false;
  std::thread other([&] {
    other_enabled = xg::GradMode::is_enabled();
    other_recorded = (x * x).grad_fn() != nullptr;
  });
  other.join();
  EXPECT_TRUE(other_enabled);
  EXPECT_TRUE(other_recorded);
  EXPECT_FALSE(xg::GradMode::is_enabled());
  EXPECT_EQ((x * x).grad_fn(), nullptr);
}

TEST(GradMode, OpsOnTensorsNotRequiringGradRecordNothing) {
  auto a = xg::tensor({1.0, 2.0});
  auto y = a * a;
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_FALSE(y.requires_grad());
}

TEST(GradMode, ResultRequiresGradWhenAnyInputDoes) {
  auto a = xg::tensor({1.0, 2.0});
  auto b = xg::tensor({3.0, 4.0}).requires_grad_();
  auto y = a * b;
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(y.is_leaf());
  y.sum().backward();
  EXPECT_FALSE(a.grad().defined());
  EXPECT_TRUE(ValuesEqual(b.grad(), {1, 2}));
}

// ---- detach -----------------------------------------------------------------------------------

TEST(Detach, CutsTheGraph) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = x * x;
  auto d = y.detach();
  EXPECT_EQ(d.grad_fn(), nullptr);
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_FALSE(d.is_same(y));
  EXPECT_TRUE(ValuesEqual(d, {1, 4}));
}

TEST(Detach, SharesDataAndVersion) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto d = x.detach();
  EXPECT_EQ(d.data_ptr<float>(), x.data_ptr<float>());
  const auto v0 = x.version();
  d.fill_(5.0);  // allowed: d does not require grad
  EXPECT_TRUE(ValuesEqual(x, {5, 5}));
  EXPECT_GT(x.version(), v0);
  EXPECT_EQ(x.version(), d.version());
}

TEST(Detach, GradientDoesNotFlowThroughDetachedOperand) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto y = (x * x.detach()).sum();  // treated as c * x with c = x: gradient c, not 2x
  y.backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 2, 3}));
}

TEST(Detach, RequiresGradFalseOnNonLeafThrows) {
  auto x = xg::tensor({1.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.requires_grad_(false), xg::AutogradError);
  auto d = y.detach();
  d.requires_grad_();  // a detached copy is a fresh leaf
  EXPECT_TRUE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
}

}  // namespace
