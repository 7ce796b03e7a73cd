// nn::Dropout: drops about p of the elements and scales the rest by 1 / (1 - p) in training,
// is the identity in evaluation, is reproducible under manual_seed, and refuses a bad p.
#include <cmath>

#include <xgrad/nn/dropout.hpp>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;

TEST(DropoutModule, TrainingDropsAboutPAndScalesTheRest) {
  xg::manual_seed(0);
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    nn::Dropout drop(0.3);
    ASSERT_TRUE(drop.is_training());
    const auto x = xg::ones({200, 100}, dtype);
    const auto y = drop(x);
    EXPECT_EQ(y.dtype(), dtype);
    EXPECT_EQ(y.shape(), x.shape());
    const double scale = dtype == xg::kFloat32 ? double(float(1 / 0.7)) : 1 / 0.7;
    int64_t zeros = 0;
    bool only_zero_or_scale = true;
    for (double v : y.to_vector()) {
      if (v == 0)
        ++zeros;
      else if (v != scale)
        only_zero_or_scale = false;
    }
    EXPECT_TRUE(only_zero_or_scale);
    // 20,000 Bernoulli(0.3) draws: the standard deviation of the fraction is 0.0032.
    EXPECT_NEAR(double(zeros) / 20000, 0.3, 0.016);
  }
}

TEST(DropoutModule, EvalIsTheIdentity) {
  xg::manual_seed(1);
  nn::Dropout drop(0.5);
  drop.eval();
  const auto x = xg::randn({10, 10}, xg::kFloat64);
  EXPECT_EQ(drop(x).to_vector(), x.to_vector());
  drop.train();
  EXPECT_NE(drop(x).to_vector(), x.to_vector());
}

TEST(DropoutModule, ZeroPIsTheIdentityInTraining) {
  nn::Dropout drop(0.0);
  const auto x = t64({1, -2, 3}, {3});
  EXPECT_TRUE(ValuesEqual(drop(x), {1, -2, 3}));
}

TEST(DropoutModule, ReproducibleUnderManualSeed) {
  nn::Dropout drop(0.5);
  const auto x = xg::ones({64}, xg::kFloat64);
  xg::manual_seed(42);
  const auto a = drop(x).to_vector();
  const auto b = drop(x).to_vector();
  xg::manual_seed(42);
  EXPECT_EQ(drop(x).to_vector(), a);
  EXPECT_NE(a, b);  // the next call draws a new mask
}

TEST(DropoutModule, GradientIsTheMask) {
  xg::manual_seed(7);
  nn::Dropout drop(0.4);
  const auto x = xg::ones({50}, xg::kFloat64).requires_grad_();
  const auto y = drop(x);
  y.sum().backward();
  // y = x * mask with x = 1, so the gradient is the mask itself: y's values.
  EXPECT_EQ(x.grad().to_vector(), y.to_vector());
}

TEST(DropoutModule, GradcheckInTrainingAndEval) {
  nn::Dropout drop(0.25);
  const auto x = randn_leaf({4, 6});
  // The same mask on every evaluation: reseed before each call.
  auto fn = [&](const xg::TensorList& in) {
    xg::manual_seed(9);
    return drop(in[0]);
  };
  EXPECT_TRUE(GradcheckPasses(fn, {x}));
  EXPECT_TRUE(GradgradcheckPasses(fn, {x}));
  drop.eval();
  EXPECT_TRUE(GradcheckPasses(fn, {x}));
}

TEST(DropoutModule, BadProbabilityIsAValueError) {
  for (double p : {-0.1, 1.0, 1.5, double(NAN)}) {
    const auto msg = message_of<xg::ValueError>([&] { nn::Dropout d(p); });
    EXPECT_TRUE(Contains(msg, "Dropout")) << p;
    EXPECT_TRUE(Contains(msg, "[0, 1)")) << p;
  }
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::Dropout d(1.5); }), "p = 1.5"));
}

TEST(DropoutModule, NameReprAndNoParameters) {
  nn::Dropout drop;
  EXPECT_EQ(drop.p(), 0.5);
  EXPECT_EQ(drop.name(), "Dropout");
  EXPECT_EQ(drop.extra_repr(), "p=0.5");
  EXPECT_EQ(nn::Dropout(0.1).extra_repr(), "p=0.1");
  EXPECT_EQ(drop.num_parameters(), 0);
  EXPECT_TRUE(drop.named_buffers().empty());
}

TEST(DropoutModule, IntegerInputIsADTypeError) {
  nn::Dropout drop(0.5);
  EXPECT_THROW(drop(xg::tensor({1, 2, 3}, xg::kInt64)), xg::DTypeError);
}

}  // namespace
