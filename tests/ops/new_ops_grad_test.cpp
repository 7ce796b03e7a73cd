// Float64 gradient checks for the ops issue 13 added or extended: cumsum, topk/sort values,
// std, norm over a dim, masked_fill, matmul with broadcast batch dims, narrow/chunk.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;
using xgtest::GradgradcheckPasses;
using xgtest::randn_leaf;

TEST(NewOpsGrad, Cumsum) {
  xg::manual_seed(11);
  const auto x = randn_leaf({3, 4});
  for (int64_t d : {0, 1, -1})
    EXPECT_TRUE(
        GradcheckPasses([d](const xg::TensorList& in) { return xg::cumsum(in[0], d); }, {x}));
  EXPECT_TRUE(GradgradcheckPasses(
      [](const xg::TensorList& in) { return xg::cumsum(in[0], 1).pow(2); }, {x}));
  // The backward is a reversed cumsum, whose own backward is cumsum: second order along
  // every dim, and the third order through both.
  for (int64_t d : {0, -1})
    EXPECT_TRUE(GradgradcheckPasses(
        [d](const xg::TensorList& in) { return xg::cumsum(in[0], d).pow(3); }, {x}));
  const auto third = [](const xg::TensorList& in) {
    const auto y = xg::cumsum(in[0], 0).pow(3).sum();
    const auto g = xg::grad({y}, {in[0]}, {}, true, true)[0];
    return xg::grad({(g * g).sum()}, {in[0]}, {}, true, true)[0];
  };
  EXPECT_TRUE(GradcheckPasses(third, {x}));
}

TEST(NewOpsGrad, CumsumBackwardIsAccurateOnLongFloat32Inputs) {
  // dx_j = sum_{i>=j} w_i for loss = sum(cumsum(x) * w). Computed as total(w) - cumsum(w) + w
  // (the old backward, with a float32-accumulated cumsum), the tail sums, ~0.5 near the end,
  // come out of the cancellation of two sums near 5e4 that carry their own rounding: a
  // float32 simulation of it errs by 25% relative in the worst element. The reversed cumsum
  // gives each sum to float32 rounding.
  constexpr int64_t n = 100000;
  xg::manual_seed(14);
  const auto w = xg::rand({n});
  const auto x = xg::zeros({n}, xg::requires_grad());
  (xg::cumsum(x, 0) * w).sum().backward();
  const auto wv = w.to_vector();
  const auto got = x.grad().to_vector();
  double suffix = 0, worst = 0;
  for (int64_t i = n - 1; i >= 0; --i) {
    suffix += wv[i];
    worst = std::max(worst, std::abs(got[i] - suffix) / suffix);
  }
  EXPECT_LT(worst, 1e-6);  // float32 rounding of each suffix sum: 2^-24 ~ 6e-8
}

TEST(NewOpsGrad, TopkSortValues) {
  xg::manual_seed(12);
  const auto x = randn_leaf({3, 5});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return std::get<0>(in[0].topk(2, 1)); }, {x}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return std::get<0>(xg::sort(in[0], 0, true)); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return std::get<0>(in[0].max(1)); }, {x}));
}

TEST(NewOpsGrad, StdNormWithDim) {
  xg::manual_seed(13);
  const auto x = randn_leaf({3, 4});
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return in[0].std(1); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return in[0].norm(2, 0, true); }, {x}));
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return in[0].norm(1, 1); }, {x}));
}

TEST(NewOpsGrad, MaskedFill) {
  xg::manual_seed(14);
  const auto x = randn_leaf({3, 4});
  const auto mask = xg::randn({1, 4}) > 0;
  EXPECT_TRUE(GradcheckPasses(
      [&](const xg::TensorList& in) { return in[0].masked_fill(mask, -2.0); }, {x}));
}

TEST(NewOpsGrad, MatmulBroadcastBatch) {
  xg::manual_seed(15);
  const auto a = randn_leaf({2, 1, 3, 4});
  const auto b = randn_leaf({3, 4, 2});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, b}));
  const auto v = randn_leaf({4});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, v}));
}

TEST(NewOpsGrad, NarrowChunk) {
  xg::manual_seed(16);
  const auto x = randn_leaf({4, 5});
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return in[0].narrow(1, 1, 3); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return in[0].chunk(2, 1)[1] * 2.0; }, {x}));
}
