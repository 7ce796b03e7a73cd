// LayerNorm: values by hand, parameters, gradcheck through the module (input, weight, bias),
// shape errors.
#include <cmath>

#include <xgrad/nn/normalization.hpp>

#include "nn/module_test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;

TEST(LayerNormModule, ValuesOfOneTwoThree) {
  nn::LayerNorm ln(3);
  ln.to(xg::kFloat64);
  // mean 2, biased var 2/3: (x - 2) / sqrt(2/3 + 1e-5).  PyTorch: [-1.2247, 0.0000, 1.2247].
  const double s = 1 / std::sqrt(2.0 / 3 + 1e-5);
  EXPECT_TRUE(ValuesEqual(ln(t64({1, 2, 3}, {3})), {-s, 0, s}, 1e-15));
  // Each row on its own; weight and bias broadcast over the rows.
  {
    xg::NoGradGuard no_grad;
    ln.weight.copy_(t64({1, 2, 3}, {3}));
    ln.bias.copy_(t64({0.5, 0.5, -1}, {3}));
  }
  const auto y = ln(t64({1, 2, 3, 10, 10, 10}, {2, 3}));
  EXPECT_TRUE(ValuesEqual(y, {-s + 0.5, 0.5, 3 * s - 1, 0.5, 0.5, -1}, 1e-14));
}

TEST(LayerNormModule, NormalisesOverSeveralTrailingDims) {
  xg::manual_seed(2);
  nn::LayerNorm ln(nn::LayerNormOptions({2, 3}).dtype(xg::kFloat64));
  const auto x = xg::randn({4, 2, 3}, xg::kFloat64) * 5.0 + 3.0;
  const auto y = ln(x);
  EXPECT_EQ(y.shape(), x.shape());
  // Every sample: mean 0 and biased variance 1 / (1 + eps / var) ~ 1.
  EXPECT_TRUE(ValuesEqual(xg::mean(y, {1, 2}), {0, 0, 0, 0}, 1e-12));
  EXPECT_TRUE(ValuesEqual(xg::var(y, {1, 2}, /*unbiased=*/false), {1, 1, 1, 1}, 1e-5));
}

TEST(LayerNormModule, ParametersAndRepr) {
  nn::LayerNorm ln({2, 3});
  const auto named = ln.named_parameters();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "weight");
  EXPECT_EQ(named[1].first, "bias");
  EXPECT_EQ(ln.weight.shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(ln.weight.to_vector(), std::vector<double>(6, 1.0));
  EXPECT_EQ(ln.bias.to_vector(), std::vector<double>(6, 0.0));
  EXPECT_TRUE(ln.weight.requires_grad());
  EXPECT_EQ(ln.weight.dtype(), xg::kFloat32);
  EXPECT_EQ(ln.num_parameters(), 12);
  EXPECT_EQ(ln.name(), "LayerNorm");
  EXPECT_EQ(ln.extra_repr(), "[2, 3], eps=1e-05, elementwise_affine=true");

  nn::LayerNorm plain(nn::LayerNormOptions({4}).eps(1e-6).elementwise_affine(false));
  EXPECT_EQ(plain.num_parameters(), 0);
  EXPECT_FALSE(plain.weight.defined());
  EXPECT_EQ(plain.extra_repr(), "[4], eps=1e-06, elementwise_affine=false");
}

TEST(LayerNormModule, GradcheckWrtInputWeightAndBias) {
  xg::manual_seed(4);
  nn::LayerNorm ln(nn::LayerNormOptions({3, 2}).dtype(xg::kFloat64));
  randomize_parameters(ln);
  auto fn = [&](const xg::TensorList& in) { return ln(in[0]); };
  const auto inputs = input_and_parameters(randn_leaf({2, 3, 2}), ln);
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_TRUE(GradcheckPasses(fn, inputs));
  EXPECT_TRUE(GradgradcheckPasses(fn, inputs));
}

TEST(LayerNormModule, GradcheckWithoutAffine) {
  xg::manual_seed(5);
  nn::LayerNorm ln(nn::LayerNormOptions({4}).elementwise_affine(false));
  auto fn = [&](const xg::TensorList& in) { return ln(in[0]); };
  EXPECT_TRUE(GradcheckPasses(fn, {randn_leaf({3, 4})}));
  EXPECT_TRUE(GradgradcheckPasses(fn, {randn_leaf({3, 4})}));
}

TEST(LayerNormModule, WorksInFloat32AndAfterToFloat64) {
  nn::LayerNorm ln(3);
  const auto y32 = ln(xg::tensor({1.0, 2.0, 3.0}));
  EXPECT_EQ(y32.dtype(), xg::kFloat32);
  const double s = 1 / std::sqrt(2.0 / 3 + 1e-5);
  EXPECT_TRUE(ValuesEqual(y32, {-s, 0, s}, 1e-6));
  const auto weight = ln.weight;
  ln.to(xg::kFloat64);
  EXPECT_EQ(weight.dtype(), xg::kFloat64);  // the user's handle follows the conversion
  EXPECT_EQ(ln(t64({1, 2, 3}, {3})).dtype(), xg::kFloat64);
  // Mixing is refused with a message saying what to convert.
  const auto msg = message_of<xg::DTypeError>([&] { ln(xg::tensor({1.0, 2.0, 3.0})); });
  EXPECT_TRUE(Contains(msg, "LayerNorm"));
  EXPECT_TRUE(Contains(msg, "float32"));
  EXPECT_TRUE(Contains(msg, "float64"));
}

TEST(LayerNormModule, TrainAndEvalAgree) {
  xg::manual_seed(6);
  nn::LayerNorm ln(5);
  const auto x = xg::randn({3, 5});
  const auto a = ln(x).to_vector();
  ln.eval();
  EXPECT_EQ(ln(x).to_vector(), a);
}

TEST(LayerNormModule, TrailingShapeMismatchIsAShapeError) {
  nn::LayerNorm ln({2, 3});
  const auto msg = message_of<xg::ShapeError>([&] { ln(xg::zeros({4, 3, 2})); });
  EXPECT_TRUE(Contains(msg, "LayerNorm"));
  EXPECT_TRUE(Contains(msg, "[4, 3, 2]"));
  EXPECT_TRUE(Contains(msg, "[2, 3]"));
  // Fewer dims than normalized_shape.
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { ln(xg::zeros({3})); }), "[3]"));
  EXPECT_THROW(ln(xg::tensor(std::vector<int64_t>{1, 2, 3, 4, 5, 6}, xg::Shape{2, 3})),
               xg::DTypeError);
}

TEST(LayerNormModule, BadOptionsAreValueErrors) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::LayerNorm m(xg::Shape{}); }),
                       "normalized_shape"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         nn::LayerNorm m(xg::Shape{3, 0});
                       }),
                       "[3, 0]"));
  EXPECT_TRUE(Contains(
      message_of<xg::ValueError>([] { nn::LayerNorm m(nn::LayerNormOptions({3}).eps(-1)); }),
      "eps"));
  EXPECT_THROW(nn::LayerNorm(nn::LayerNormOptions({3}).dtype(xg::kInt64)), xg::DTypeError);
}

}  // namespace
