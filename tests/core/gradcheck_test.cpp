// gradcheck itself: passes a right op, fails a wrong one naming input and element, needs float64.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;

namespace {

struct Square : xg::Function<Square> {
  static constexpr const char* name = "square";
  static xg::Tensor forward(xg::AutogradContext* ctx, const xg::Tensor& x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  // d(x^2)/dx = 2x
  static xg::TensorList backward(xg::AutogradContext* ctx, xg::TensorList g) {
    auto x = ctx->get_saved_variables()[0];
    return {g[0] * x * 2.0};
  }
};

// Deliberately wrong: the gradient of x^2 is 2x, not 3x.
struct WrongSquare : xg::Function<WrongSquare> {
  static constexpr const char* name = "wrong_square";
  static xg::Tensor forward(xg::AutogradContext* ctx, const xg::Tensor& x) {
    ctx->save_for_backward({x});
    return x * x;
  }
  static xg::TensorList backward(xg::AutogradContext* ctx, xg::TensorList g) {
    auto x = ctx->get_saved_variables()[0];
    return {3.0 * x * g[0]};
  }
};

TEST(Gradcheck, PassesCorrectCustomOp) {
  xg::manual_seed(3);
  auto x = xgtest::randn_leaf({2, 3});
  auto r = xg::gradcheck([](const xg::TensorList& in) { return Square::apply(in[0]); }, {x});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_TRUE(r.message.empty());
}

TEST(Gradcheck, FailsWrongCustomOp) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return WrongSquare::apply(in[0]); }, {x});
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(static_cast<bool>(r));
}

TEST(Gradcheck, FailureMessageNamesInputAndElement) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return WrongSquare::apply(in[0]); }, {x});
  // First mismatch: input 0, element [0], output [0]: analytical 3 * 1 vs numerical 2 * 1.
  EXPECT_TRUE(Contains(r.message, "input 0"));
  EXPECT_TRUE(Contains(r.message, "shape [3]"));
  EXPECT_TRUE(Contains(r.message, "element [0]"));
  EXPECT_TRUE(Contains(r.message, "analytical 3 "));
  EXPECT_TRUE(Contains(r.message, "numerical 2"));
  // The three diagonal entries of the Jacobian are wrong, the off-diagonal zeros are right.
  EXPECT_TRUE(Contains(r.message, "3 Jacobian entries differ"));
}

TEST(Gradcheck, FailureMessageNamesSecondInput) {
  auto a = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({{0.5, 1.0, 1.5}, {2.0, 2.5, 3.0}}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return in[0] + WrongSquare::apply(in[1]); },
                         {a, b});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.message, "input 1"));
  EXPECT_TRUE(Contains(r.message, "shape [2, 3]"));
  EXPECT_TRUE(Contains(r.message, "element [0, 0]"));
  EXPECT_TRUE(Contains(r.message, "6 Jacobian entries differ"));
}

TEST(Gradcheck, InputIndexCountsInputsNotRequiringGrad) {
  auto c = xg::tensor({1.0, 1.0}, xg::kFloat64);  // input 0: a constant
  auto x = xg::tensor({4.0, 5.0}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return in[0] * WrongSquare::apply(in[1]); },
                         {c, x});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.message, "input 1"));
}

TEST(Gradcheck, ReportsLaterElement) {
  // x[0] = 0 makes the wrong gradient right there (3*0 == 2*0), so the first mismatch is [1].
  auto x = xg::tensor({0.0, 2.0}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return WrongSquare::apply(in[0]); }, {x});
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(Contains(r.message, "element [1]"));
  EXPECT_TRUE(Contains(r.message, "1 Jacobian entries differ"));
}

TEST(Gradcheck, Float32InputIsDTypeError) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto fn = [](const xg::TensorList& in) { return in[0].to(xg::kFloat64); };
  EXPECT_THROW(xg::gradcheck(fn, {x}), xg::DTypeError);
  EXPECT_TRUE(
      Contains(xgtest::message_of<xg::DTypeError>([&] { xg::gradcheck(fn, {x}); }), "input 0"));
}

TEST(Gradcheck, Float32OutputIsDTypeError) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  EXPECT_THROW(xg::gradcheck([](const xg::TensorList& in) { return in[0].to(xg::kFloat32); }, {x}),
               xg::DTypeError);
}

TEST(Gradcheck, NoInputRequiringGradIsValueError) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64);
  EXPECT_THROW(xg::gradcheck([](const xg::TensorList& in) { return in[0] * 2.0; }, {x}),
               xg::ValueError);
}

TEST(Gradcheck, OutputIndependentOfInputPasses) {
  // A constant output: analytical and numerical Jacobians are both zero.
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  EXPECT_TRUE(xgtest::GradcheckPasses(
      [](const xg::TensorList&) { return xg::ones({3}, xg::kFloat64); }, {x}));
}

TEST(Gradcheck, DetachedPathIsCaught) {
  // Cutting the graph gives a zero analytical gradient where the numerical one is not.
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto r = xg::gradcheck([](const xg::TensorList& in) { return in[0] * in[0].detach(); }, {x});
  EXPECT_FALSE(r.ok);
}

TEST(Gradcheck, LeavesInputValuesUnchanged) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  xg::gradcheck([](const xg::TensorList& in) { return xg::exp(in[0]); }, {x});
  EXPECT_TRUE(xgtest::ValuesEqual(x, {1, 2, 3}));
  EXPECT_FALSE(x.grad().defined());
}

}  // namespace
