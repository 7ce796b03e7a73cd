// Float64 gradient checks for the ops issue 13 added or extended: cumsum, topk/sort values,
// std, norm over a dim, masked_fill, matmul with broadcast batch dims, narrow/chunk.
#include <gtest/gtest.h>

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
