// Gradients of gradients: create_graph first derivatives pass gradcheck and match hand values.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;
using xgtest::ValuesEqual;

namespace {

/// d sum(f(inputs)) / d inputs[wrt], recorded so it can be differentiated again. gradcheck runs
/// its finite differences under NoGradGuard, so recording is switched back on here.
template <class F>
xg::Tensor first_derivative(F f, const xg::TensorList& in, size_t wrt) {
  xg::EnableGradGuard enable;
  auto y = xg::sum(f(in));
  return xg::grad({y}, {in[wrt]}, {}, true, /*create_graph=*/true)[0];
}

TEST(SecondOrder, CubeViaMul) {
  xg::manual_seed(51);
  auto x = xgtest::randn_leaf({4});
  auto cube = [](const xg::TensorList& in) { return in[0] * in[0] * in[0]; };
  auto dx = first_derivative(cube, {x}, 0);
  ASSERT_TRUE(dx.requires_grad());
  ASSERT_NE(dx.grad_fn(), nullptr);
  // d(x^3)/dx = 3 x^2, d^2(x^3)/dx^2 = 6 x
  std::vector<double> three_x2, six_x;
  for (double v : x.to_vector()) {
    three_x2.push_back(3 * v * v);
    six_x.push_back(6 * v);
  }
  EXPECT_TRUE(ValuesEqual(dx, three_x2, 1e-12));
  auto d2x = xg::grad({dx.sum()}, {x})[0];
  EXPECT_TRUE(ValuesEqual(d2x, six_x, 1e-12));
  EXPECT_TRUE(GradcheckPasses(
      [cube](const xg::TensorList& in) { return first_derivative(cube, in, 0); }, {x}));
}

TEST(SecondOrder, CubeViaPow) {
  xg::manual_seed(52);
  auto x = xgtest::randn_leaf({2, 3});
  auto cube = [](const xg::TensorList& in) { return xg::pow(in[0], 3.0); };
  EXPECT_TRUE(GradcheckPasses(
      [cube](const xg::TensorList& in) { return first_derivative(cube, in, 0); }, {x}));
  auto x2 = xgtest::positive_leaf({3});
  auto p35 = [](const xg::TensorList& in) { return xg::pow(in[0], 3.5); };
  EXPECT_TRUE(GradcheckPasses(
      [p35](const xg::TensorList& in) { return first_derivative(p35, in, 0); }, {x2}));
}

TEST(SecondOrder, MulOfTwoInputs) {
  xg::manual_seed(53);
  auto a = xgtest::randn_leaf({3});
  auto b = xgtest::randn_leaf({3});
  auto f = [](const xg::TensorList& in) { return in[0] * in[0] * in[1]; };  // d/da = 2ab
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 1); },
                              {a, b}));
}

TEST(SecondOrder, Exp) {
  xg::manual_seed(54);
  auto x = xgtest::randn_leaf({2, 2});
  auto f = [](const xg::TensorList& in) { return xg::exp(in[0] * 0.5); };
  auto dx = first_derivative(f, {x}, 0);
  std::vector<double> expected;
  for (double v : x.to_vector()) expected.push_back(0.25 * std::exp(0.5 * v));
  EXPECT_TRUE(ValuesEqual(xg::grad({dx.sum()}, {x})[0], expected, 1e-12));
  EXPECT_TRUE(
      GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); }, {x}));
}

TEST(SecondOrder, Log) {
  xg::manual_seed(55);
  auto x = xgtest::positive_leaf({4});
  auto f = [](const xg::TensorList& in) { return xg::log(in[0]); };
  EXPECT_TRUE(
      GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); }, {x}));
}

TEST(SecondOrder, Matmul) {
  xg::manual_seed(56);
  auto a = xgtest::randn_leaf({2, 3});
  auto b = xgtest::randn_leaf({3, 4});
  // sum((a b)^2): d/da = 2 (a b) b^T depends on a and b
  auto f = [](const xg::TensorList& in) {
    auto p = xg::matmul(in[0], in[1]);
    return p * p;
  };
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 1); },
                              {a, b}));
  // sum(a b): d/da = 1 b^T does not depend on a (its Jacobian in a is 0), only on b
  auto lin = [](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); };
  EXPECT_TRUE(GradcheckPasses(
      [lin](const xg::TensorList& in) { return first_derivative(lin, in, 0); }, {a, b}));
}

TEST(SecondOrder, MmWithTransposeFlags) {
  xg::manual_seed(57);
  auto a = xgtest::randn_leaf({3, 2});
  auto b = xgtest::randn_leaf({4, 3});
  auto f = [](const xg::TensorList& in) {
    auto p = xg::mm(in[0], in[1], true, true);  // [2, 4]
    return p * p;
  };
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 1); },
                              {a, b}));
}

TEST(SecondOrder, Div) {
  xg::manual_seed(58);
  auto a = xgtest::randn_leaf({3});
  auto b = xgtest::positive_leaf({3});
  auto f = [](const xg::TensorList& in) { return in[0] / in[1]; };  // d/da = 1/b, d/db = -a/b^2
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 1); },
                              {a, b}));
  auto g = [](const xg::TensorList& in) { return 2.0 / in[1] + in[0] * in[0] / 3.0; };
  EXPECT_TRUE(GradcheckPasses([g](const xg::TensorList& in) { return first_derivative(g, in, 1); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([g](const xg::TensorList& in) { return first_derivative(g, in, 0); },
                              {a, b}));
}

TEST(SecondOrder, BroadcastAndReduce) {
  xg::manual_seed(59);
  auto a = xgtest::randn_leaf({3, 1});
  auto b = xgtest::randn_leaf({4});
  auto f = [](const xg::TensorList& in) { return (in[0] * in[1]).pow(2.0).mean({0}) - in[1]; };
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 0); },
                              {a, b}));
  EXPECT_TRUE(GradcheckPasses([f](const xg::TensorList& in) { return first_derivative(f, in, 1); },
                              {a, b}));
}

TEST(SecondOrder, BackwardWithCreateGraphThenGrad) {
  auto x = xg::tensor({1.0, -2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto y = (x * x * x).sum();
  // The gradient's graph runs through the forward graph (x * x is saved by the outer mul), so
  // the forward graph must be retained, as in PyTorch.
  y.backward({}, /*retain_graph=*/true, /*create_graph=*/true);
  auto g = x.grad();  // 3 x^2, with a graph
  ASSERT_TRUE(g.requires_grad());
  EXPECT_TRUE(ValuesEqual(g, {3, 12, 27}));
  auto g2 = xg::grad({g.sum()}, {x})[0];  // 6 x
  EXPECT_TRUE(ValuesEqual(g2, {6, -12, 18}));
  // x.grad now holds a graph that holds x (as in PyTorch): clearing it breaks the cycle.
  x.zero_grad();
  EXPECT_FALSE(x.grad().defined());
}

TEST(SecondOrder, ThirdDerivative) {
  auto x = xg::tensor({0.5, 2.0}, xg::kFloat64).requires_grad_();
  auto y = xg::pow(x, 4.0).sum();
  auto d1 = xg::grad({y}, {x}, {}, true, true)[0];         // 4 x^3
  auto d2 = xg::grad({d1.sum()}, {x}, {}, true, true)[0];  // 12 x^2
  auto d3 = xg::grad({d2.sum()}, {x})[0];                  // 24 x
  EXPECT_TRUE(ValuesEqual(d1, {0.5, 32}, 1e-12));
  EXPECT_TRUE(ValuesEqual(d2, {3, 48}, 1e-12));
  EXPECT_TRUE(ValuesEqual(d3, {12, 48}, 1e-12));
}

}  // namespace
