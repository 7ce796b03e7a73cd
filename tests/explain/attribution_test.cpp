// explain::saliency, gradient_x_input, integrated_gradients: exact on linear models,
// completeness on an MLP in float64 within the reported error, typed errors on bad input.
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace ex = xgrad::explain;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::ValuesEqual;

struct LinearModel {
  nn::Linear fc{nn::LinearOptions(5, 3).dtype(xg::kFloat64)};
  ex::ScoreFn fn() {
    return [this](const xg::Tensor& x) { return fc(x); };
  }
};

TEST(Attribution, SaliencyOfALinearModelIsItsWeights) {
  xg::manual_seed(2);
  LinearModel m;
  auto x = xg::randn({4, 5}, xg::kFloat64);
  auto target = xg::tensor(std::vector<int64_t>{0, 2, 1, 2}, {4});
  auto s = ex::saliency(m.fn(), x, target);
  ASSERT_EQ(s.shape(), x.shape());
  for (int64_t i = 0; i < 4; ++i) {
    const auto c = static_cast<int64_t>(target.at({i}));
    EXPECT_TRUE(ValuesEqual(s[i], m.fc.weight[c].to_vector(), 1e-15));
  }
  auto all_one = ex::saliency(m.fn(), x, int64_t{1});
  for (int64_t i = 0; i < 4; ++i)
    EXPECT_TRUE(ValuesEqual(all_one[i], m.fc.weight[1].to_vector(), 1e-15));
  auto gxi = ex::gradient_x_input(m.fn(), x, target);
  EXPECT_TRUE(ValuesEqual(gxi, (x * s).to_vector(), 1e-15));
  // The caller's input is left alone: no grad, no graph.
  EXPECT_FALSE(x.requires_grad());
}

TEST(Attribution, IntegratedGradientsOfALinearModelAreExact) {
  xg::manual_seed(3);
  LinearModel m;
  auto x = xg::randn({3, 5}, xg::kFloat64);
  auto baseline = xg::randn({5}, xg::kFloat64);  // one row, broadcast
  auto target = xg::tensor(std::vector<int64_t>{2, 0, 1}, {3});
  auto ig = ex::integrated_gradients(m.fn(), x, target,
                                     ex::IntegratedGradientsOptions().baseline(baseline).steps(4));
  for (int64_t i = 0; i < 3; ++i) {
    const auto c = static_cast<int64_t>(target.at({i}));
    EXPECT_TRUE(
        ValuesEqual(ig.attributions[i], ((x[i] - baseline) * m.fc.weight[c]).to_vector(), 1e-12));
  }
  EXPECT_LT(ig.max_abs_delta, 1e-12);
  EXPECT_LT(ig.max_error_estimate, 1e-12);
}

TEST(Attribution, IntegratedGradientsCompletenessOnAnMlpWithinTheReportedError) {
  xg::manual_seed(4);
  nn::MLP mlp({6, 16, 16, 3}, nn::MLPOptions().activation("tanh").dtype(xg::kFloat64));
  {
    xg::NoGradGuard no_grad;
    for (auto& p : mlp.parameters()) p.mul_(2.0);  // curvier, so the integration error shows
  }
  mlp.eval();
  ex::ScoreFn f = [&](const xg::Tensor& x) { return mlp(x); };
  auto x = xg::randn({5, 6}, xg::kFloat64);
  auto target = xg::argmax(mlp(x), 1);
  double previous = INFINITY;
  for (int64_t steps : {16, 64, 256}) {
    auto ig = ex::integrated_gradients(f, x, target, ex::IntegratedGradientsOptions().steps(steps));
    const auto delta = ig.delta.to_vector(), bound = ig.error_estimate.to_vector();
    for (size_t i = 0; i < delta.size(); ++i)
      EXPECT_LE(std::abs(delta[i]), bound[i] + 1e-12) << "row " << i << ", steps " << steps;
    // The score difference is what the attributions split up.
    const auto s = ig.score.to_vector(), s0 = ig.baseline_score.to_vector();
    const auto sums = xg::sum(ig.attributions, {1}).to_vector();
    for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(sums[i] - (s[i] - s0[i]), delta[i], 1e-12);
    EXPECT_LT(ig.max_abs_delta, previous / 8);  // the trapezoid error falls as 1/steps^2
    previous = ig.max_abs_delta;
  }
  EXPECT_LT(previous, 1e-4);
}

TEST(Attribution, BadInputIsATypedError) {
  LinearModel m;
  auto x = xg::randn({2, 5}, xg::kFloat64);
  auto t = xg::tensor(std::vector<int64_t>{0, 1}, {2});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         ex::integrated_gradients(m.fn(), x, t,
                                                  ex::IntegratedGradientsOptions().steps(7));
                       }),
                       "integrated_gradients: steps must be even and >= 2"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         ex::saliency(m.fn(), x, xg::tensor(std::vector<int64_t>{0}, {1}));
                       }),
                       "saliency: target must be [2]"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { ex::saliency(m.fn(), x, int64_t{3}); }),
                       "target class 3 is out of range for 3 classes"));
  EXPECT_THROW(ex::saliency(m.fn(), x, xg::zeros({2})), xg::DTypeError);
  EXPECT_THROW(ex::saliency(m.fn(), xg::tensor(std::vector<int64_t>{1, 2}, {1, 2}), t),
               xg::DTypeError);
  EXPECT_TRUE(Contains(
      message_of<xg::ShapeError>([&] {
        ex::integrated_gradients(
            m.fn(), x, t, ex::IntegratedGradientsOptions().baseline(xg::zeros({3}, xg::kFloat64)));
      }),
      "the baseline must be shaped like the input [2, 5]"));
  ex::ScoreFn flat = [](const xg::Tensor& in) { return xg::sum(in, {1}); };
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { ex::saliency(flat, x, t); }),
                       "the model must return floating scores [2, classes]"));
}

}  // namespace
