// Identity and Flatten: shapes, values, gradients, dims out of range, reprs.
#include <xgrad/nn/basic.hpp>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;

TEST(IdentityModule, ReturnsTheInputItself) {
  nn::Identity id;
  const auto x = randn_leaf({2, 3});
  EXPECT_TRUE(id(x).is_same(x));
  EXPECT_EQ(id.name() + "(" + id.extra_repr() + ")", "Identity()");
  EXPECT_EQ(id.num_parameters(), 0);
  id.eval();
  EXPECT_TRUE(id(x).is_same(x));
  EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return id(in[0]) * 2.0; }, {x}));
}

TEST(FlattenModule, DefaultKeepsTheBatchDim) {
  nn::Flatten flat;
  const auto x = xg::arange(0, 24, 1, xg::kFloat64).reshape({2, 3, 4});
  const auto y = flat(x);
  EXPECT_EQ(y.shape(), (xg::Shape{2, 12}));
  EXPECT_EQ(y.to_vector(), x.to_vector());  // row-major order is kept
}

TEST(FlattenModule, StartAndEndDims) {
  const auto x = xg::zeros({2, 3, 4, 5}, xg::kFloat64);
  EXPECT_EQ(nn::Flatten(0, -1)(x).shape(), (xg::Shape{120}));
  EXPECT_EQ(nn::Flatten(1, 2)(x).shape(), (xg::Shape{2, 12, 5}));
  EXPECT_EQ(nn::Flatten(-3, -2)(x).shape(), (xg::Shape{2, 12, 5}));
  EXPECT_EQ(nn::Flatten(2, 2)(x).shape(), (xg::Shape{2, 3, 4, 5}));
  EXPECT_EQ(nn::Flatten(nn::FlattenOptions().start_dim(0).end_dim(1))(x).shape(),
            (xg::Shape{6, 4, 5}));
  // A 0-d tensor counts as rank 1, as in PyTorch: flatten(scalar, 0) is [1].
  EXPECT_EQ(nn::Flatten(0)(xg::full({}, 3.0)).shape(), (xg::Shape{1}));
  // float32 and int64 data pass through too.
  EXPECT_EQ(nn::Flatten()(xg::zeros({2, 2, 2})).dtype(), xg::kFloat32);
}

TEST(FlattenModule, OutOfRangeDimsNameTheModuleAndShape) {
  const auto x = xg::zeros({4}, xg::kFloat64);
  // The default start_dim = 1 does not exist for a 1-D input.
  const auto msg = message_of<xg::IndexError>([&] { nn::Flatten()(x); });
  EXPECT_TRUE(Contains(msg, "Flatten"));
  EXPECT_TRUE(Contains(msg, "start_dim = 1"));
  EXPECT_TRUE(Contains(msg, "[4]"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { nn::Flatten(0, 3)(x); }), "end_dim = 3"));
  const auto order = message_of<xg::IndexError>([] { nn::Flatten(2, 1)(xg::zeros({2, 3, 4})); });
  EXPECT_TRUE(Contains(order, "start_dim 2 comes after end_dim 1"));
}

TEST(FlattenModule, GradcheckAndGradgradcheck) {
  nn::Flatten flat;
  const auto x = randn_leaf({2, 3, 2});
  auto fn = [&](const xg::TensorList& in) { return flat(in[0]) * flat(in[0]); };
  EXPECT_TRUE(GradcheckPasses(fn, {x}));
  EXPECT_TRUE(GradgradcheckPasses(fn, {x}));
}

TEST(FlattenModule, Repr) {
  EXPECT_EQ(nn::Flatten().name(), "Flatten");
  EXPECT_EQ(nn::Flatten().extra_repr(), "start_dim=1, end_dim=-1");
  EXPECT_EQ(nn::Flatten(0, 2).extra_repr(), "start_dim=0, end_dim=2");
  // Same output in both modes.
  nn::Flatten flat;
  const auto x = xg::randn({2, 3, 2}, xg::kFloat64);
  const auto a = flat(x).to_vector();
  flat.eval();
  EXPECT_EQ(flat(x).to_vector(), a);
}

}  // namespace
