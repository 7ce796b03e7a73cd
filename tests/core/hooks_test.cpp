// Tensor hooks: run on a tensor's gradient during backward, may replace it; retain_grad.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

TEST(Hooks, LeafHookSeesAndReplacesGradient) {
  auto w = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  std::vector<double> seen;
  w.register_hook([&](const xg::Tensor& g) {
    seen = g.to_vector();
    return g * 10.0;
  });
  (w * 3.0).sum().backward();
  EXPECT_EQ(seen, (std::vector<double>{3, 3}));
  EXPECT_EQ(w.grad().to_vector(), (std::vector<double>{30, 30}));
}

TEST(Hooks, NonLeafHookChangesWhatFlowsUpstream) {
  auto x = xg::tensor({1.0, -2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 2.0;
  h.register_hook([](const xg::Tensor& g) { return g * 0.0 + 1.0; });  // replace with ones
  (h * h).sum().backward();  // d/dh = 2h, replaced by 1; then dh/dx = 2
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{2, 2}));
}

TEST(Hooks, HookReturningUndefinedKeepsGradient) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  int calls = 0;
  x.register_hook([&](const xg::Tensor&) {
    ++calls;
    return xg::Tensor();
  });
  (x * x).sum().backward();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{2, 4}));
}

TEST(Hooks, LeafHookRunsForGradToo) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  x.register_hook([](const xg::Tensor& g) { return g * 2.0; });
  auto g = xg::grad({(x * x).sum()}, {x})[0];
  EXPECT_EQ(g.to_vector(), (std::vector<double>{4, 8}));
  EXPECT_FALSE(x.grad().defined());
}

TEST(Hooks, RetainGradKeepsNonLeafGradient) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto h = x * 3.0;
  h.retain_grad();
  EXPECT_TRUE(h.retains_grad());
  (h * h).sum().backward();
  EXPECT_EQ(h.grad().to_vector(), (std::vector<double>{6, 12}));
}

TEST(Hooks, RegisterOnTensorWithoutGradIsAnError) {
  auto x = xg::tensor({1.0});
  EXPECT_THROW(x.register_hook([](const xg::Tensor& g) { return g; }), xg::AutogradError);
}
