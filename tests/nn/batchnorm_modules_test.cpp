// BatchNorm1d: batch statistics in training, running statistics in eval, running-stat
// updates with the unbiased variance (PyTorch), gradcheck in both modes, names, errors.
#include <cmath>

#include <xgrad/nn/normalization.hpp>

#include "nn/module_test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;

constexpr double kEps = 1e-5;

nn::BatchNorm1d make_bn64(nn::BatchNormOptions options) {
  return nn::BatchNorm1d(options.dtype(xg::kFloat64));
}

TEST(BatchNorm1dModule, TrainingUsesBatchStatistics) {
  auto bn = make_bn64(nn::BatchNormOptions(2));
  // Channel 0: 1, 3 (mean 2, biased var 1); channel 1: 2, 6 (mean 4, biased var 4).
  const auto y = bn(t64({1, 2, 3, 6}, {2, 2}));
  const double a = 1 / std::sqrt(1 + kEps), b = 2 / std::sqrt(4 + kEps);
  EXPECT_TRUE(ValuesEqual(y, {-a, -b, a, b}, 1e-15));
}

TEST(BatchNorm1dModule, RunningStatsAfterTwoBatchesAsPyTorch) {
  auto bn = make_bn64(nn::BatchNormOptions(2));
  bn(t64({1, 2, 3, 6}, {2, 2}));
  // 0.9 * [0, 0] + 0.1 * [2, 4]; 0.9 * [1, 1] + 0.1 * unbiased var [2, 8].
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {0.2, 0.4}, 1e-15));
  EXPECT_TRUE(ValuesEqual(bn.running_var, {1.1, 1.7}, 1e-15));
  EXPECT_EQ(bn.num_batches_tracked.item(), 1);
  // Channel 0: 0, 2, 4 (mean 2, unbiased var 4); channel 1: 0, -2, 2 (mean 0, unbiased var 4).
  bn(t64({0, 0, 2, -2, 4, 2}, {3, 2}));
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {0.38, 0.36}, 1e-15));
  EXPECT_TRUE(ValuesEqual(bn.running_var, {1.39, 1.93}, 1e-15));
  EXPECT_EQ(bn.num_batches_tracked.item(), 2);
  EXPECT_EQ(bn.num_batches_tracked.dtype(), xg::kInt64);
  EXPECT_FALSE(bn.running_mean.requires_grad());
  EXPECT_TRUE(bn.running_mean.is_leaf());

  // Eval: (x - running_mean) / sqrt(running_var + eps), and the stats stay put.
  bn.eval();
  const auto y = bn(t64({1, 1}, {1, 2}));
  EXPECT_TRUE(
      ValuesEqual(y, {0.62 / std::sqrt(1.39 + kEps), 0.64 / std::sqrt(1.93 + kEps)}, 1e-14));
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {0.38, 0.36}, 1e-15));
  EXPECT_EQ(bn.num_batches_tracked.item(), 2);
}

TEST(BatchNorm1dModule, CumulativeAverageWithoutMomentum) {
  auto bn = make_bn64(nn::BatchNormOptions(2).momentum(std::nullopt));
  bn(t64({1, 2, 3, 6}, {2, 2}));
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {2, 4}, 1e-15));  // factor 1/1
  EXPECT_TRUE(ValuesEqual(bn.running_var, {2, 8}, 1e-15));
  bn(t64({0, 0, 2, -2, 4, 2}, {3, 2}));
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {2, 2}, 1e-15));  // factor 1/2: plain average
  EXPECT_TRUE(ValuesEqual(bn.running_var, {3, 6}, 1e-15));
  EXPECT_EQ(bn.extra_repr(), "2, eps=1e-05, momentum=None, affine=true, track_running_stats=true");
}

TEST(BatchNorm1dModule, AffineParametersScaleAndShift) {
  auto bn = make_bn64(nn::BatchNormOptions(2));
  {
    xg::NoGradGuard no_grad;
    bn.weight.copy_(t64({2, -1}, {2}));
    bn.bias.copy_(t64({0.5, 3}, {2}));
  }
  const double a = 1 / std::sqrt(1 + kEps), b = 2 / std::sqrt(4 + kEps);
  EXPECT_TRUE(ValuesEqual(bn(t64({1, 2, 3, 6}, {2, 2})), {-2 * a + 0.5, b + 3, 2 * a + 0.5, -b + 3},
                          1e-15));
}

TEST(BatchNorm1dModule, EvalOutputOfARowDoesNotDependOnTheBatch) {
  xg::manual_seed(1);
  auto bn = make_bn64(nn::BatchNormOptions(3));
  bn(xg::randn({8, 3}, xg::kFloat64) * 2.0 + 1.0);
  const auto x = xg::randn({4, 3}, xg::kFloat64);
  const auto train_out = bn(x).to_vector();
  bn.eval();
  const auto batch = bn(x).to_vector();
  EXPECT_NE(batch, train_out);  // the modes differ
  for (int64_t i = 0; i < 4; ++i) {
    const auto row = bn(x[i].reshape({1, 3})).to_vector();  // N = 1 is fine in eval
    for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(row[j], batch[i * 3 + j]);
  }
}

TEST(BatchNorm1dModule, ThreeDimInputPoolsBatchAndLength) {
  xg::manual_seed(2);
  auto bn3 = make_bn64(nn::BatchNormOptions(3));
  auto bn2 = make_bn64(nn::BatchNormOptions(3));
  const auto x = xg::randn({2, 3, 4}, xg::kFloat64);
  // [N, C, L] -> [N * L, C]: the same per-channel statistics as a 2-D batch of 8.
  const auto rows = xg::permute(x, {0, 2, 1}).reshape({8, 3});
  const auto y3 = bn3(x);
  const auto y2 = xg::permute(bn2(rows).reshape({2, 4, 3}), {0, 2, 1});
  EXPECT_EQ(y3.shape(), x.shape());
  EXPECT_TRUE(ValuesEqual(y3, y2.to_vector(), 1e-14));
  EXPECT_TRUE(ValuesEqual(bn3.running_mean, bn2.running_mean.to_vector(), 1e-15));
  EXPECT_TRUE(ValuesEqual(bn3.running_var, bn2.running_var.to_vector(), 1e-15));
  bn3.eval();
  bn2.eval();
  const auto e2 = xg::permute(bn2(rows).reshape({2, 4, 3}), {0, 2, 1});
  EXPECT_TRUE(ValuesEqual(bn3(x), e2.to_vector(), 1e-14));
}

TEST(BatchNorm1dModule, GradcheckInTrainingMode) {
  xg::manual_seed(3);
  auto bn = make_bn64(nn::BatchNormOptions(3));
  randomize_parameters(bn);
  auto fn = [&](const xg::TensorList& in) { return bn(in[0]); };
  const auto inputs = input_and_parameters(randn_leaf({4, 3}), bn);
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_TRUE(GradcheckPasses(fn, inputs));
  EXPECT_TRUE(GradgradcheckPasses(fn, inputs));
  EXPECT_TRUE(GradcheckPasses(fn, input_and_parameters(randn_leaf({2, 3, 3}), bn)));
}

TEST(BatchNorm1dModule, GradcheckInEvalMode) {
  xg::manual_seed(4);
  auto bn = make_bn64(nn::BatchNormOptions(3));
  randomize_parameters(bn);
  bn(xg::randn({6, 3}, xg::kFloat64) * 3.0);  // non-trivial running statistics
  bn.eval();
  auto fn = [&](const xg::TensorList& in) { return bn(in[0]); };
  const auto inputs = input_and_parameters(randn_leaf({4, 3}), bn);
  EXPECT_TRUE(GradcheckPasses(fn, inputs));
  EXPECT_TRUE(GradgradcheckPasses(fn, inputs));
  EXPECT_TRUE(GradcheckPasses(fn, input_and_parameters(randn_leaf({2, 3, 2}), bn)));
}

TEST(BatchNorm1dModule, OneValuePerChannelInTrainingIsAValueError) {
  nn::BatchNorm1d bn(3);
  const auto msg = message_of<xg::ValueError>([&] { bn(xg::ones({1, 3})); });
  EXPECT_TRUE(Contains(msg, "BatchNorm1d"));
  EXPECT_TRUE(Contains(msg, "more than 1 value per channel"));
  EXPECT_TRUE(Contains(msg, "[1, 3]"));
  EXPECT_THROW(bn(xg::ones({1, 3, 1})), xg::ValueError);
  // Nothing changed.
  EXPECT_EQ(bn.num_batches_tracked.item(), 0);
  EXPECT_EQ(bn.running_mean.to_vector(), std::vector<double>(3, 0.0));
  // [1, C, L] with L > 1 has several values per channel.
  EXPECT_NO_THROW(bn(xg::randn({1, 3, 2})));
}

TEST(BatchNorm1dModule, WrongShapesAreShapeErrors) {
  nn::BatchNorm1d bn(3);
  const auto msg = message_of<xg::ShapeError>([&] { bn(xg::ones({4, 5})); });
  EXPECT_TRUE(Contains(msg, "BatchNorm1d"));
  EXPECT_TRUE(Contains(msg, "[4, 5]"));
  EXPECT_TRUE(Contains(msg, "num_features = 3"));
  EXPECT_THROW(bn(xg::ones({3})), xg::ShapeError);
  EXPECT_THROW(bn(xg::ones({2, 3, 4, 5})), xg::ShapeError);
  EXPECT_THROW(bn(xg::ones({2, 3}, xg::kFloat64)), xg::DTypeError);  // module is float32
  EXPECT_EQ(bn.num_batches_tracked.item(), 0);
}

TEST(BatchNorm1dModule, BadOptionsAreValueErrors) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::BatchNorm1d m(0); }), "num_features"));
  EXPECT_TRUE(Contains(
      message_of<xg::ValueError>([] { nn::BatchNorm1d m(nn::BatchNormOptions(2).momentum(1.5)); }),
      "momentum"));
  EXPECT_TRUE(Contains(
      message_of<xg::ValueError>([] { nn::BatchNorm1d m(nn::BatchNormOptions(2).eps(NAN)); }),
      "eps"));
}

TEST(BatchNorm1dModule, ParametersBuffersAndRepr) {
  nn::BatchNorm1d bn(4);
  const auto params = bn.named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].first, "weight");
  EXPECT_EQ(params[1].first, "bias");
  EXPECT_EQ(bn.weight.to_vector(), std::vector<double>(4, 1.0));
  EXPECT_EQ(bn.bias.to_vector(), std::vector<double>(4, 0.0));
  EXPECT_EQ(bn.num_parameters(), 8);
  const auto buffers = bn.named_buffers();
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_EQ(buffers[0].first, "running_mean");
  EXPECT_EQ(buffers[1].first, "running_var");
  EXPECT_EQ(buffers[2].first, "num_batches_tracked");
  EXPECT_EQ(buffers[1].second.to_vector(), std::vector<double>(4, 1.0));
  EXPECT_EQ(buffers[2].second.shape(), xg::Shape{});
  EXPECT_EQ(bn.name(), "BatchNorm1d");
  EXPECT_EQ(bn.extra_repr(), "4, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true");

  nn::BatchNorm1d bare(nn::BatchNormOptions(4).affine(false).track_running_stats(false));
  EXPECT_EQ(bare.num_parameters(), 0);
  EXPECT_TRUE(bare.named_buffers().empty());
  EXPECT_EQ(bare.extra_repr(),
            "4, eps=1e-05, momentum=0.1, affine=false, track_running_stats=false");
}

TEST(BatchNorm1dModule, WithoutRunningStatsEvalUsesTheBatch) {
  xg::manual_seed(5);
  auto bn = make_bn64(nn::BatchNormOptions(3).track_running_stats(false));
  const auto x = xg::randn({5, 3}, xg::kFloat64);
  const auto a = bn(x).to_vector();
  bn.eval();
  EXPECT_EQ(bn(x).to_vector(), a);
}

TEST(BatchNorm1dModule, ToFloat64ConvertsStatsButNotTheCounter) {
  nn::BatchNorm1d bn(2);
  bn(xg::tensor({{1.0, 2.0}, {3.0, 6.0}}));
  EXPECT_TRUE(ValuesEqual(bn.running_var, {1.1, 1.7}, 1e-6));
  const auto stats = bn.running_mean;
  bn.to(xg::kFloat64);
  EXPECT_EQ(stats.dtype(), xg::kFloat64);
  EXPECT_EQ(bn.running_var.dtype(), xg::kFloat64);
  EXPECT_EQ(bn.num_batches_tracked.dtype(), xg::kInt64);
  bn(t64({0, 0, 2, -2, 4, 2}, {3, 2}));
  EXPECT_TRUE(ValuesEqual(bn.running_mean, {0.38, 0.36}, 1e-7));
  EXPECT_EQ(bn.num_batches_tracked.item(), 2);
}

TEST(BatchNorm1dModule, ResetRunningStats) {
  nn::BatchNorm1d bn(2);
  bn(xg::tensor({{1.0, 2.0}, {3.0, 6.0}}));
  bn.reset_running_stats();
  EXPECT_EQ(bn.running_mean.to_vector(), std::vector<double>(2, 0.0));
  EXPECT_EQ(bn.running_var.to_vector(), std::vector<double>(2, 1.0));
  EXPECT_EQ(bn.num_batches_tracked.item(), 0);
}

}  // namespace
