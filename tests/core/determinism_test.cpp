// Gradients and sums are bitwise reproducible whatever order (or thread) branches run in.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;

namespace {

// 48 branches of very different magnitudes meet at one leaf (and at one shared non-leaf):
// float32 addition is not associative, so any change of summation order would show.
std::vector<double> wide_graph_gradient(const xg::Tensor& x0) {
  auto x = x0.detach().requires_grad_();
  auto h = x * 1.5;
  xg::TensorList branches;
  for (int i = 0; i < 48; ++i) {
    const double c = std::pow(10.0, (i % 7) - 3) * (1.0 + i / 7.0);
    auto b = (i % 2 ? xg::exp(h * (c * 1e-3)) : h * c) + x * (c / 3.0);
    branches.push_back(b.sum());
  }
  xg::backward(branches);
  return x.grad().to_vector();
}

TEST(Determinism, RepeatedBackwardIsBitwiseIdentical) {
  xg::manual_seed(77);
  auto x0 = xg::randn({4096});  // large enough for ops to split their loops
  const auto first = wide_graph_gradient(x0);
  for (int run = 0; run < 10; ++run) {
    const auto again = wide_graph_gradient(x0);
    ASSERT_EQ(again.size(), first.size());
    for (size_t i = 0; i < first.size(); ++i) {
      ASSERT_EQ(again[i], first[i]) << "run " << run << ", element " << i;
    }
  }
}

TEST(Determinism, LargeSumIsBitwiseIdentical) {
  xg::manual_seed(78);
  auto x = xg::randn({1 << 18});
  const double first = x.sum().item();
  for (int run = 0; run < 5; ++run) EXPECT_EQ(x.sum().item(), first);
}

}  // namespace
