// Regularizer penalties: values and gradients worked out by hand, subsets (skip_1d, filter),
// dtypes, and validation errors.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/optim/regularizers/regularizer.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::t64;
using xgtest::ValuesEqual;

// w = [[1, -2], [0, 3]]: Σ|w| = 6, Σw² = 14.   b = [0.5, -1]: Σ|b| = 1.5, Σb² = 1.25.
struct Params {
  xg::Tensor w = t64({1, -2, 0, 3}, {2, 2}).requires_grad_();
  xg::Tensor b = t64({0.5, -1}, {2}).requires_grad_();
  std::vector<xg::Tensor> all() const { return {w, b}; }
};

TEST(RegularizerPenalty, L1ValueAndSignGradient) {
  Params p;
  auto pen = optim::L1(optim::RegularizerOptions(0.1)).penalty(p.all());
  EXPECT_EQ(pen.dim(), 0);
  EXPECT_NEAR(pen.item(), 0.1 * 7.5, 1e-15);
  pen.backward();
  EXPECT_TRUE(ValuesEqual(p.w.grad(), {0.1, -0.1, 0.0, 0.1}));  // sign(0) = 0
  EXPECT_TRUE(ValuesEqual(p.b.grad(), {0.1, -0.1}));
}

TEST(RegularizerPenalty, L2ValueAndTwoLambdaThetaGradient) {
  Params p;
  auto pen = optim::L2(optim::RegularizerOptions(0.1)).penalty(p.all());
  EXPECT_NEAR(pen.item(), 0.1 * 15.25, 1e-15);
  pen.backward();
  EXPECT_TRUE(ValuesEqual(p.w.grad(), {0.2, -0.4, 0.0, 0.6}, 1e-15));
  EXPECT_TRUE(ValuesEqual(p.b.grad(), {0.1, -0.2}, 1e-15));
}

TEST(RegularizerPenalty, ElasticNetMixesL1AndL2) {
  Params p;
  const double lambda = 0.1, alpha = 0.25;
  auto pen = optim::ElasticNet(optim::ElasticNetOptions(lambda).alpha(alpha)).penalty(p.all());
  EXPECT_NEAR(pen.item(), lambda * (alpha * 7.5 + (1 - alpha) * 15.25), 1e-15);
  pen.backward();
  // λ(α·sign(θ) + 2(1−α)θ)
  auto g = [&](double v) { return lambda * (alpha * ((v > 0) - (v < 0)) + 2 * (1 - alpha) * v); };
  EXPECT_TRUE(ValuesEqual(p.w.grad(), {g(1), g(-2), g(0), g(3)}, 1e-15));
  EXPECT_TRUE(ValuesEqual(p.b.grad(), {g(0.5), g(-1)}, 1e-15));
}

TEST(RegularizerPenalty, ElasticNetEndpointsAreL1AndL2) {
  Params p;
  EXPECT_DOUBLE_EQ(
      optim::ElasticNet(optim::ElasticNetOptions(0.3).alpha(1.0)).penalty(p.all()).item(),
      optim::L1(optim::RegularizerOptions(0.3)).penalty(p.all()).item());
  EXPECT_DOUBLE_EQ(
      optim::ElasticNet(optim::ElasticNetOptions(0.3).alpha(0.0)).penalty(p.all()).item(),
      optim::L2(optim::RegularizerOptions(0.3)).penalty(p.all()).item());
}

TEST(RegularizerPenalty, ElasticNetGradcheck) {
  auto w = xgtest::away_from_zero_leaf({3, 2});
  optim::ElasticNet reg(optim::ElasticNetOptions(0.7).alpha(0.4));
  EXPECT_TRUE(
      xgtest::GradcheckPasses([&](const xg::TensorList& in) { return reg.penalty(in); }, {w}));
}

TEST(RegularizerPenalty, Skip1dLeavesBiasesAlone) {
  Params p;
  optim::L2 reg(optim::RegularizerOptions(0.1).skip_1d(true));
  auto pen = reg.penalty(p.all());
  EXPECT_NEAR(pen.item(), 1.4, 1e-15);
  pen.backward();
  EXPECT_TRUE(ValuesEqual(p.w.grad(), {0.2, -0.4, 0.0, 0.6}, 1e-15));
  EXPECT_FALSE(p.b.grad().defined());
  EXPECT_TRUE(reg.selects(p.w));
  EXPECT_FALSE(reg.selects(p.b));
  EXPECT_FALSE(reg.selects(t64({2.0}, {})));  // a 0-d scale is skipped too
}

TEST(RegularizerPenalty, FilterChoosesTheSubset) {
  Params p;
  optim::L1 reg(optim::RegularizerOptions(1.0).filter(
      [](const xg::Tensor& t) { return t.dim() == 1; }));  // only the biases, for the test
  EXPECT_DOUBLE_EQ(reg.penalty(p.all()).item(), 1.5);
  reg.set_filter(nullptr);
  EXPECT_DOUBLE_EQ(reg.penalty(p.all()).item(), 7.5);
  // Passing the subset directly works as well.
  EXPECT_DOUBLE_EQ(reg.penalty({p.w}).item(), 6.0);
}

TEST(RegularizerPenalty, AddsToTheDataLossGradient) {
  Params p;
  auto data_loss = (p.w * 3.0).sum();  // d/dw = 3
  auto loss = data_loss + optim::L2(optim::RegularizerOptions(0.5)).penalty({p.w});
  loss.backward();
  EXPECT_TRUE(ValuesEqual(p.w.grad(), {3 + 1.0, 3 - 2.0, 3.0, 3 + 3.0}, 1e-15));
}

TEST(RegularizerPenalty, EmptySelectionAndZeroLambdaGiveAConstantZero) {
  Params p;
  auto none = optim::L2(optim::RegularizerOptions(0.1)).penalty({});
  EXPECT_TRUE(none.defined());
  EXPECT_EQ(none.item(), 0.0);
  EXPECT_FALSE(none.requires_grad());
  auto zero = optim::L1(optim::RegularizerOptions(0.0)).penalty(p.all());
  EXPECT_EQ(zero.item(), 0.0);
  EXPECT_EQ(zero.dtype(), xg::kFloat64);
  EXPECT_FALSE(zero.requires_grad());
}

TEST(RegularizerPenalty, EmptySelectionHasTheParametersDtypeAndAddsToAFloat64Loss) {
  Params p;  // float64; skip_1d leaves only w, the filter rejects it too
  optim::L2 reg(
      optim::RegularizerOptions(0.1).skip_1d(true).filter([](const xg::Tensor&) { return false; }));
  auto pen = reg.penalty(p.all());
  EXPECT_EQ(pen.dtype(), xg::kFloat64);
  auto loss = (p.w * 2.0).sum() + pen;
  EXPECT_EQ(loss.dtype(), xg::kFloat64);
  EXPECT_EQ(loss.item(), 4.0);
  auto b32 = xg::tensor({0.5, -1.0}).requires_grad_();
  EXPECT_EQ(optim::L1(optim::RegularizerOptions(0.1).skip_1d(true)).penalty({b32}).dtype(),
            xg::kFloat32);
  EXPECT_EQ(reg.penalty({}).dtype(), xg::kFloat32);
}

TEST(RegularizerPenalty, DtypeFollowsTheFirstParameter) {
  auto w32 = xg::tensor({{1.0, -2.0}}).requires_grad_();
  auto b64 = t64({3.0}, {1}).requires_grad_();
  auto pen = optim::L2(optim::RegularizerOptions(1.0)).penalty({w32, b64});
  EXPECT_EQ(pen.dtype(), xg::kFloat32);
  EXPECT_FLOAT_EQ(static_cast<float>(pen.item()), 14.0f);
  pen.backward();
  EXPECT_TRUE(ValuesEqual(b64.grad(), {6.0}));
  EXPECT_EQ(b64.grad().dtype(), xg::kFloat64);
}

TEST(RegularizerPenalty, ValidationErrorsNameTheFieldAndValue) {
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([] { optim::L2(optim::RegularizerOptions(-1e-4)); }),
               "L2: lambda must be a finite number >= 0, got -0.0001"));
  EXPECT_TRUE(Contains(
      message_of<xg::ValueError>([] { optim::L1(optim::RegularizerOptions(std::nan(""))); }),
      "L1: lambda"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>(
                           [] { optim::ElasticNet(optim::ElasticNetOptions(0.1).alpha(1.5)); }),
                       "ElasticNet: alpha must be in [0, 1], got 1.5"));
}

TEST(RegularizerPenalty, BadParameterListsAreErrors) {
  Params p;
  optim::L1 reg(optim::RegularizerOptions(0.1));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         reg.penalty({p.w, xg::Tensor()});
                       }),
                       "L1::penalty: parameter 1 of 2 is an undefined tensor"));
  auto labels = xg::tensor(std::vector<int64_t>{1, 2}, {2});
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { reg.penalty({labels}); }), "int64"));
}

}  // namespace
