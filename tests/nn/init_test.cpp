// nn::init: the distributions torch.nn.init uses (bounds, moments), gains, fans, seeding.
#include <cmath>
#include <numeric>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace init = xgrad::nn::init;
using xgtest::Contains;
using xgtest::message_of;

struct Moments {
  double mean, std, min, max;
};
Moments moments(const xg::Tensor& t) {
  const auto v = t.to_vector();
  double mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size(), ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return {mean, std::sqrt(ss / v.size()), *std::min_element(v.begin(), v.end()),
          *std::max_element(v.begin(), v.end())};
}

TEST(Init, FansAndGainsFollowPyTorch) {
  auto w = xg::zeros({8, 4, 3, 3});
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(w).fan_in, 36);
  EXPECT_EQ(init::calculate_fan_in_and_fan_out(w).fan_out, 72);
  EXPECT_THROW(init::calculate_fan_in_and_fan_out(xg::zeros({5})), xg::ShapeError);
  EXPECT_DOUBLE_EQ(init::calculate_gain("relu"), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain("tanh"), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain("leaky_relu"), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain("leaky_relu", std::sqrt(5.0)), std::sqrt(2.0 / 6.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain("selu"), 0.75);
  EXPECT_DOUBLE_EQ(init::calculate_gain("sigmoid"), 1.0);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { init::calculate_gain("swishy"); }),
                       "unknown nonlinearity 'swishy'"));
}

TEST(Init, UniformAndNormalHaveTheAskedMoments) {
  xg::manual_seed(0);
  auto t = xg::zeros({200, 100});
  init::uniform_(t, -2, 4);
  auto m = moments(t);
  EXPECT_GE(m.min, -2);
  EXPECT_LT(m.max, 4);
  EXPECT_NEAR(m.mean, 1.0, 0.05);
  EXPECT_NEAR(m.std, 6 / std::sqrt(12.0), 0.02);
  init::normal_(t, 3, 0.5);
  m = moments(t);
  EXPECT_NEAR(m.mean, 3.0, 0.02);
  EXPECT_NEAR(m.std, 0.5, 0.01);
  init::constant_(t, 1.25);
  EXPECT_EQ(moments(t).min, 1.25);
  EXPECT_EQ(moments(t).max, 1.25);
  init::zeros_(t);
  EXPECT_EQ(moments(t).max, 0.0);
  init::ones_(t);
  EXPECT_EQ(moments(t).min, 1.0);
}

TEST(Init, XavierAndKaimingScales) {
  xg::manual_seed(1);
  auto w = xg::zeros({300, 200}, xg::kFloat64);  // fan_in 200, fan_out 300
  init::xavier_uniform_(w, 2.0);
  const double a = 2.0 * std::sqrt(6.0 / 500.0);
  auto m = moments(w);
  EXPECT_GE(m.min, -a);
  EXPECT_LE(m.max, a);
  EXPECT_GT(m.max, 0.99 * a);
  init::xavier_normal_(w);
  EXPECT_NEAR(moments(w).std, std::sqrt(2.0 / 500.0), 0.002);
  init::kaiming_normal_(w, 0, init::FanMode::FanOut, "relu");
  EXPECT_NEAR(moments(w).std, std::sqrt(2.0 / 300.0), 0.002);
  init::kaiming_uniform_(w, 0, init::FanMode::FanIn, "relu");
  const double bound = std::sqrt(2.0) * std::sqrt(3.0 / 200.0);
  m = moments(w);
  EXPECT_LE(m.max, bound);
  EXPECT_GT(m.max, 0.99 * bound);
  EXPECT_NEAR(m.std, bound / std::sqrt(3.0), 0.002);
}

TEST(Init, OrthogonalGivesOrthonormalRowsOrColumns) {
  xg::manual_seed(2);
  for (auto shape : {xg::Shape{6, 4}, xg::Shape{4, 6}, xg::Shape{5, 5}, xg::Shape{3, 2, 2}}) {
    auto w = xg::zeros(shape, xg::kFloat64);
    init::orthogonal_(w, 1.5);
    auto flat = w.reshape({shape[0], -1});
    const bool tall = flat.size(0) >= flat.size(1);
    auto gram = tall ? xg::matmul(flat.t(), flat) : xg::matmul(flat, flat.t());
    const int64_t n = gram.size(0);
    auto expected = xg::eye(n, -1, xg::kFloat64) * 2.25;
    EXPECT_TRUE(xgtest::ValuesEqual(gram, expected.to_vector(), 1e-12)) << xg::shape_str(shape);
  }
  EXPECT_THROW(init::orthogonal_(xg::zeros({4})), xg::ShapeError);
  auto empty = xg::zeros({0, 3});
  EXPECT_EQ(init::orthogonal_(empty).numel(), 0);  // nothing to fill, no division by zero
}

TEST(Init, SeededFillsRepeat) {
  auto a = xg::zeros({10, 10}), b = xg::zeros({10, 10});
  xg::manual_seed(42);
  init::kaiming_uniform_(a, std::sqrt(5.0));
  xg::manual_seed(42);
  init::kaiming_uniform_(b, std::sqrt(5.0));
  EXPECT_EQ(a.to_vector(), b.to_vector());
  init::kaiming_uniform_(b, std::sqrt(5.0));
  EXPECT_NE(a.to_vector(), b.to_vector());
}

TEST(Init, WorksOnParametersAndBumpsTheVersion) {
  auto w = xg::zeros({3, 3}).requires_grad_();
  const auto v0 = w.version();
  init::normal_(w);
  EXPECT_GT(w.version(), v0);
  EXPECT_TRUE(w.is_leaf());
  EXPECT_THROW(init::normal_(xg::tensor(std::vector<int64_t>{1, 2}, {2})), xg::DTypeError);
  EXPECT_THROW(init::normal_(w, 0, -1), xg::ValueError);
  EXPECT_THROW(init::uniform_(w, 1, 0), xg::ValueError);
}

}  // namespace
