// Custom xg::Function ops; backward returning wrong count/shape/dtype throws naming the node.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::ValuesEqual;

namespace {

// y = a * x + b with a scalar attribute, two tensor inputs.
struct ScaledAdd : xg::Function<ScaledAdd> {
  static constexpr const char* name = "scaled_add";
  static xg::Tensor forward(xg::AutogradContext* ctx, const xg::Tensor& x, const xg::Tensor& b,
                            double a) {
    ctx->saved_data["a"] = a;
    EXPECT_FALSE(xg::GradMode::is_enabled());  // forward runs with recording off
    return x * a + b;
  }
  static xg::TensorList backward(xg::AutogradContext* ctx, xg::TensorList g) {
    const double a = ctx->saved_data.get<double>("a");
    return {ctx->needs_input_grad(0) ? g[0] * a : xg::Tensor(),
            ctx->needs_input_grad(1) ? g[0] : xg::Tensor()};
  }
};

struct WrongCount : xg::Function<WrongCount> {
  static constexpr const char* name = "wrong_count";
  static xg::Tensor forward(xg::AutogradContext*, const xg::Tensor& x) { return x * 2.0; }
  static xg::TensorList backward(xg::AutogradContext*, xg::TensorList g) { return {g[0], g[0]}; }
};

struct NoGradients : xg::Function<NoGradients> {
  static constexpr const char* name = "no_gradients";
  static xg::Tensor forward(xg::AutogradContext*, const xg::Tensor& x) { return x * 2.0; }
  static xg::TensorList backward(xg::AutogradContext*, xg::TensorList) { return {}; }
};

struct WrongShape : xg::Function<WrongShape> {
  static constexpr const char* name = "wrong_shape";
  static xg::Tensor forward(xg::AutogradContext*, const xg::Tensor& x) { return x * 2.0; }
  static xg::TensorList backward(xg::AutogradContext*, xg::TensorList g) { return {g[0].sum()}; }
};

struct WrongDtype : xg::Function<WrongDtype> {
  static constexpr const char* name = "wrong_dtype";
  static xg::Tensor forward(xg::AutogradContext*, const xg::Tensor& x) { return x * 2.0; }
  static xg::TensorList backward(xg::AutogradContext*, xg::TensorList g) {
    return {g[0].to(xg::kFloat32)};
  }
};

TEST(CustomFunction, ForwardAndBackward) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({10.0, 20.0}, xg::kFloat64).requires_grad_();
  auto y = ScaledAdd::apply(x, b, 3.0);
  EXPECT_TRUE(ValuesEqual(y, {13, 26}));
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_EQ(y.grad_fn()->name(), "ScaledAddBackward");
  (y * xg::tensor({1.0, 2.0}, xg::kFloat64)).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {3, 6}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {1, 2}));
}

TEST(CustomFunction, GradcheckPasses) {
  xg::manual_seed(8);
  auto x = xgtest::randn_leaf({3});
  auto b = xgtest::randn_leaf({3});
  EXPECT_TRUE(xgtest::GradcheckPasses(
      [](const xg::TensorList& in) { return ScaledAdd::apply(in[0], in[1], -0.5); }, {x, b}));
}

TEST(CustomFunction, NotRecordedWhenNoInputRequiresGrad) {
  auto y = ScaledAdd::apply(xg::ones({2}), xg::ones({2}), 2.0);
  EXPECT_EQ(y.grad_fn(), nullptr);
  EXPECT_FALSE(y.requires_grad());
}

TEST(CustomFunction, NeedsInputGradSkipsConstant) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({1.0, 1.0}, xg::kFloat64);
  ScaledAdd::apply(x, b, 2.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 2}));
  EXPECT_FALSE(b.grad().defined());
}

TEST(CustomFunction, PrintShowsNodeName) {
  auto x = xg::tensor({1.0}).requires_grad_();
  EXPECT_TRUE(Contains(xg::to_string(WrongCount::apply(x)), "grad_fn=<WrongCountBackward>"));
}

TEST(CustomFunction, BackwardNodeName) {
  EXPECT_EQ(xg::backward_node_name("leaky_relu"), "LeakyReluBackward");
  EXPECT_EQ(xg::backward_node_name("mul"), "MulBackward");
  EXPECT_EQ(xg::backward_node_name("wrong_count"), "WrongCountBackward");
}

TEST(CustomFunction, TooManyGradientsThrows) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = WrongCount::apply(x).sum();
  EXPECT_THROW(y.backward(), xg::AutogradError);
}

TEST(CustomFunction, TooManyGradientsMessageNamesNode) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = WrongCount::apply(x).sum();
  const auto msg = message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "WrongCountBackward"));
  EXPECT_TRUE(Contains(msg, "returned 2 gradients"));
  EXPECT_TRUE(Contains(msg, "1 inputs"));
}

TEST(CustomFunction, NoGradientsThrowsNamingNode) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = NoGradients::apply(x).sum();
  EXPECT_THROW(y.backward(), xg::AutogradError);
  auto y2 = NoGradients::apply(x).sum();
  EXPECT_TRUE(
      Contains(message_of<xg::AutogradError>([&] { y2.backward(); }), "NoGradientsBackward"));
}

TEST(CustomFunction, WrongShapeThrows) {
  auto x = xg::tensor({1.0, 2.0, 3.0}).requires_grad_();
  auto y = WrongShape::apply(x).sum();
  EXPECT_THROW(y.backward(), xg::AutogradError);
}

TEST(CustomFunction, WrongShapeMessageNamesNodeAndShapes) {
  auto x = xg::tensor({1.0, 2.0, 3.0}).requires_grad_();
  auto y = WrongShape::apply(x).sum();
  const auto msg = message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "WrongShapeBackward"));
  EXPECT_TRUE(Contains(msg, "shape []"));
  EXPECT_TRUE(Contains(msg, "shape [3]"));
}

TEST(CustomFunction, WrongDtypeThrowsNamingNode) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto y = WrongDtype::apply(x).sum();
  EXPECT_THROW(y.backward(), xg::AutogradError);
  auto y2 = WrongDtype::apply(x).sum();
  const auto msg = message_of<xg::AutogradError>([&] { y2.backward(); });
  EXPECT_TRUE(Contains(msg, "WrongDtypeBackward"));
  EXPECT_TRUE(Contains(msg, "float32"));
}

TEST(CustomFunction, WrongGradientAlsoCaughtByGrad) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = WrongCount::apply(x).sum();
  EXPECT_THROW(xg::grad({y}, {x}), xg::AutogradError);
}

}  // namespace
