// The activation ops: leaky_relu, elu, gelu (exact), silu, softplus. Finite-difference
// gradcheck and gradgradcheck (float64, seeded) on plain and edge shapes; hand-worked values in
// float32 and float64; extreme inputs; the registry; one test per error path.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <xgrad/ops/registry.hpp>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// The standard normal cdf and pdf at 1 (tables): Phi(1), phi(1) = exp(-1/2) / sqrt(2 pi).
constexpr double kPhi1 = 0.8413447460685429;
constexpr double kPdf1 = 0.24197072451914337;

// ---- helpers ---------------------------------------------------------------------------------

::testing::AssertionResult Passes(const xg::GradcheckResult& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message;
}

/// Element-by-element comparison, relative to max(1, |expected|).
::testing::AssertionResult Near(const xg::Tensor& t, const std::vector<double>& expected,
                                double tol) {
  const auto v = t.to_vector();
  if (v.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "has " << v.size() << " elements, expected " << expected.size() << ": " << t;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) ||
        std::abs(v[i] - expected[i]) > tol * std::max(1.0, std::abs(expected[i]))) {
      return ::testing::AssertionFailure() << "element " << i << " is " << v[i] << ", expected "
                                           << expected[i] << " (tol " << tol << "): " << t;
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

double tol_for(xg::DType dtype) {
  return dtype == xg::kFloat32 ? 2e-6 : 1e-13;
}

std::string shape_tag(const xg::Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

/// A float64 standard-normal leaf, scaled by `scale`, with every value at least 0.1 away from
/// each of `kinks` (the points where the op is not differentiable).
xg::Tensor random_leaf(const xg::Shape& shape, double scale, const std::vector<double>& kinks) {
  auto v = (xg::randn(shape, xg::kFloat64) * scale).to_vector();
  for (auto& e : v) {
    for (double k : kinks)
      if (std::abs(e - k) < 0.1) e = k + (e >= k ? 0.1 : -0.1) + (e - k);
  }
  if (v.empty()) return xg::zeros(shape, xg::kFloat64).requires_grad_();
  return xg::tensor(v, shape, xg::kFloat64).requires_grad_();
}

// ---- gradcheck and gradgradcheck -------------------------------------------------------------

using UnaryFn = std::function<xg::Tensor(const xg::Tensor&)>;
struct ActivationCase {
  const char* name;
  UnaryFn fn;
  double scale;               // of the random inputs
  std::vector<double> kinks;  // inputs are kept 0.1 away from these
};
void PrintTo(const ActivationCase& c, std::ostream* os) {
  *os << c.name;
}

const ActivationCase kCases[] = {
    {"leaky_relu", [](const xg::Tensor& x) { return xg::leaky_relu(x); }, 1, {0}},
    {"leaky_relu_0_2", [](const xg::Tensor& x) { return xg::leaky_relu(x, 0.2); }, 1, {0}},
    {"leaky_relu_negative_slope",
     [](const xg::Tensor& x) { return xg::leaky_relu(x, -0.3); },
     1,
     {0}},
    {"elu", [](const xg::Tensor& x) { return xg::elu(x); }, 2, {0}},
    {"elu_alpha_0_5", [](const xg::Tensor& x) { return xg::elu(x, 0.5); }, 2, {0}},
    {"elu_alpha_2", [](const xg::Tensor& x) { return xg::elu(x, 2.0); }, 2, {0}},
    {"gelu", [](const xg::Tensor& x) { return xg::gelu(x); }, 1, {}},
    {"gelu_wide", [](const xg::Tensor& x) { return xg::gelu(x); }, 4, {}},
    {"silu", [](const xg::Tensor& x) { return xg::silu(x); }, 1, {}},
    {"silu_wide", [](const xg::Tensor& x) { return xg::silu(x); }, 6, {}},
    {"softplus", [](const xg::Tensor& x) { return xg::softplus(x); }, 3, {}},
    {"softplus_beta_0_5", [](const xg::Tensor& x) { return xg::softplus(x, 0.5); }, 3, {}},
    // beta x > threshold (x > 0.5) takes the linear branch
    {"softplus_beta_2_threshold_1",
     [](const xg::Tensor& x) { return xg::softplus(x, 2.0, 1.0); },
     1,
     {0.5}},
    // a composite: each op's backward feeding another's
    {"gelu_of_silu_plus_softplus",
     [](const xg::Tensor& x) { return xg::gelu(xg::silu(x)) + xg::softplus(x); },
     1,
     {}},
};

const xg::Shape kShapes[] = {{2, 3}, {5}, {}, {1}, {1, 4}, {3, 1, 2}, {0, 3}};

class ActivationOpsGrad : public ::testing::TestWithParam<std::tuple<ActivationCase, xg::Shape>> {};

TEST_P(ActivationOpsGrad, MatchesFiniteDifferences) {
  const auto& [op, shape] = GetParam();
  xg::manual_seed(11);
  auto x = random_leaf(shape, op.scale, op.kinks);
  const UnaryFn fn = op.fn;
  EXPECT_TRUE(Passes(xg::gradcheck([fn](const xg::TensorList& in) { return fn(in[0]); }, {x})));
}

// Every op: smooth ones, and piecewise ones away from their kinks (second derivative 0 on the
// linear pieces).
TEST_P(ActivationOpsGrad, SecondDerivativeMatchesFiniteDifferences) {
  const auto& [op, shape] = GetParam();
  xg::manual_seed(12);
  auto x = random_leaf(shape, op.scale, op.kinks);
  const UnaryFn fn = op.fn;
  EXPECT_TRUE(Passes(xg::gradgradcheck([fn](const xg::TensorList& in) { return fn(in[0]); }, {x})));
}

std::string case_name(const ::testing::TestParamInfo<ActivationOpsGrad::ParamType>& info) {
  return std::string(std::get<0>(info.param).name) + "_" + shape_tag(std::get<1>(info.param));
}
INSTANTIATE_TEST_SUITE_P(Ops, ActivationOpsGrad,
                         ::testing::Combine(::testing::ValuesIn(kCases),
                                            ::testing::ValuesIn(kShapes)),
                         case_name);

/// A first derivative recorded with create_graph (gradcheck's finite differences run under
/// no-grad, so recording is switched back on here).
xg::Tensor first_derivative(const UnaryFn& f, const xg::Tensor& x) {
  xg::EnableGradGuard enable;
  return xg::grad({f(x).sum()}, {x}, {}, true, true)[0];
}

TEST(ActivationOpsSecondOrder, ThirdDerivativesOfSmoothOps) {
  xg::manual_seed(13);
  for (const UnaryFn& f : {UnaryFn([](const xg::Tensor& x) { return xg::gelu(x); }),
                           UnaryFn([](const xg::Tensor& x) { return xg::silu(x); }),
                           UnaryFn([](const xg::Tensor& x) { return xg::softplus(x); })}) {
    auto x = random_leaf({4}, 1.5, {});
    EXPECT_TRUE(Passes(xg::gradgradcheck(
        [f](const xg::TensorList& in) { return first_derivative(f, in[0]); }, {x})));
  }
}

TEST(ActivationOpsSecondOrder, HandDerived) {
  const std::vector<double> xs = {0.7, -1.3};
  auto x = xg::tensor(xs, {2}, xg::kFloat64).requires_grad_();
  auto d2 = [&](const UnaryFn& f) { return xg::grad({first_derivative(f, x).sum()}, {x})[0]; };
  std::vector<double> gelu2, silu2, softplus2, elu2;
  for (double v : xs) {
    const double pdf = std::exp(-v * v / 2) / std::sqrt(2 * 3.14159265358979323846);
    const double s = 1 / (1 + std::exp(-v));
    gelu2.push_back(pdf * (2 - v * v));                    // phi(x) (2 - x^2)
    silu2.push_back(s * (1 - s) * (2 + v * (1 - 2 * s)));  // s(1-s)(2 + x(1 - 2s))
    softplus2.push_back(s * (1 - s));                      // sigmoid'
    elu2.push_back(v > 0 ? 0.0 : 1.5 * std::exp(v));       // alpha e^x below 0
  }
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::gelu(t); }), gelu2, 1e-12));
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::silu(t); }), silu2, 1e-12));
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::softplus(t); }), softplus2, 1e-12));
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::elu(t, 1.5); }), elu2, 1e-12));
  // leaky_relu's first derivative is a constant (the slope mask): nothing left to differentiate
  EXPECT_FALSE(first_derivative([](const xg::Tensor& t) { return xg::leaky_relu(t, 0.2); }, x)
                   .requires_grad());
}

// ---- hand-worked values, float32 and float64 -------------------------------------------------

class ActivationOpsValues : public ::testing::TestWithParam<xg::DType> {};

/// d sum(f(x)) / dx.
xg::Tensor grad_of(const UnaryFn& f, const xg::Tensor& x) {
  auto xl = x.detach().requires_grad_();
  f(xl).sum().backward();
  return xl.grad();
}

TEST_P(ActivationOpsValues, LeakyRelu) {
  const auto dt = GetParam();
  auto x = xg::tensor({-2.0, 0.0, 3.0, -1000.0}, {4}, dt);
  auto y = xg::leaky_relu(x, 0.2);
  EXPECT_EQ(y.dtype(), dt);
  EXPECT_TRUE(Near(y, {-0.4, 0.0, 3.0, -200.0}, tol_for(dt)));
  // 1 above 0, the slope at and below 0 (as PyTorch)
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::leaky_relu(t, 0.2); }, x),
                   {0.2, 0.2, 1.0, 0.2}, tol_for(dt)));
  EXPECT_TRUE(Near(xg::leaky_relu(x), {-0.02, 0.0, 3.0, -10.0}, tol_for(dt)));  // default 0.01
  EXPECT_TRUE(Near(xg::leaky_relu(x, -0.5), {1.0, 0.0, 3.0, 500.0}, tol_for(dt)));
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::leaky_relu(t, -0.5); }, x),
                   {-0.5, -0.5, 1.0, -0.5}, tol_for(dt)));
}

TEST_P(ActivationOpsValues, Elu) {
  const auto dt = GetParam();
  const double e1 = std::exp(-1.0);
  auto x = xg::tensor({-1.0, 0.0, 2.0, -1000.0, 1000.0}, {5}, dt);
  EXPECT_TRUE(Near(xg::elu(x), {e1 - 1, 0.0, 2.0, -1.0, 1000.0}, tol_for(dt)));
  // e^x at and below 0, 1 above
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::elu(t); }, x),
                   {e1, 1.0, 1.0, 0.0, 1.0}, tol_for(dt)));
  EXPECT_TRUE(Near(xg::elu(x, 2.0), {2 * (e1 - 1), 0.0, 2.0, -2.0, 1000.0}, tol_for(dt)));
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::elu(t, 2.0); }, x),
                   {2 * e1, 2.0, 1.0, 0.0, 1.0}, tol_for(dt)));
}

TEST_P(ActivationOpsValues, GeluExactErfForm) {
  const auto dt = GetParam();
  auto x = xg::tensor({0.0, 1.0, -1.0, 50.0, -50.0}, {5}, dt);
  // x Phi(x): 0, Phi(1), -(1 - Phi(1)); gelu(50) = 50 and gelu(-50) = 0, finite
  auto y = xg::gelu(x);
  EXPECT_TRUE(Near(y, {0.0, kPhi1, -(1 - kPhi1), 50.0, 0.0}, tol_for(dt)));
  // Phi(x) + x phi(x): 1/2, Phi(1) + phi(1), (1 - Phi(1)) - phi(1), 1, 0
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::gelu(t); }, x),
                   {0.5, kPhi1 + kPdf1, (1 - kPhi1) - kPdf1, 1.0, 0.0}, tol_for(dt)));
  // matches the definition 0.5 x (1 + erf(x / sqrt 2)) on a range
  auto r = xg::tensor({-6.0, -2.5, -0.3, 0.3, 2.5, 6.0}, {6}, dt);
  std::vector<double> expected;
  for (double v : r.to_vector()) expected.push_back(0.5 * v * (1 + std::erf(v / std::sqrt(2.0))));
  EXPECT_TRUE(Near(xg::gelu(r), expected, tol_for(dt) * 4));
}

TEST_P(ActivationOpsValues, Silu) {
  const auto dt = GetParam();
  const double l3 = std::log(3.0);  // sigmoid(ln 3) = 3/4
  auto x = xg::tensor({0.0, l3, -l3, 1000.0, -1000.0}, {5}, dt);
  EXPECT_TRUE(Near(xg::silu(x), {0.0, 0.75 * l3, -0.25 * l3, 1000.0, 0.0}, tol_for(dt)));
  // s (1 + x (1 - s))
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::silu(t); }, x),
                   {0.5, 0.75 * (1 + 0.25 * l3), 0.25 * (1 - 0.75 * l3), 1.0, 0.0},
                   tol_for(dt) * 2));
}

TEST_P(ActivationOpsValues, Softplus) {
  const auto dt = GetParam();
  const double l3 = std::log(3.0);
  // log(1 + e^x): ln 2, ln 4, ln(4/3); linear above the threshold 20; 0 far below
  auto x = xg::tensor({0.0, l3, -l3, 1000.0, -1000.0, 25.0, 19.0}, {7}, dt);
  EXPECT_TRUE(Near(xg::softplus(x),
                   {std::log(2.0), std::log(4.0), std::log(4.0 / 3.0), 1000.0, 0.0, 25.0,
                    19.0 + std::log1p(std::exp(-19.0))},
                   tol_for(dt)));
  // sigmoid(x) below the threshold, 1 above
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::softplus(t); }, x),
                   {0.5, 0.75, 0.25, 1.0, 0.0, 1.0, 1 / (1 + std::exp(-19.0))}, tol_for(dt)));
  // beta = 2: log(1 + e^(2x)) / 2 at x = ln(3) / 2 is ln(4) / 2
  EXPECT_TRUE(Near(xg::softplus(xg::tensor({l3 / 2}, {1}, dt), 2.0), {std::log(2.0)}, tol_for(dt)));
  // no overflow even when the threshold never cuts in
  auto big = xg::tensor({1000.0, -1000.0}, {2}, dt);
  EXPECT_TRUE(Near(xg::softplus(big, 1.0, 1e30), {1000.0, 0.0}, tol_for(dt)));
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::softplus(t, 1.0, 1e30); }, big),
                   {1.0, 0.0}, tol_for(dt)));
}

TEST_P(ActivationOpsValues, EmptyAndZeroDimShapesAreKept) {
  const auto dt = GetParam();
  auto e = xg::zeros({0, 3}, dt);
  for (const auto& y : {xg::leaky_relu(e), xg::elu(e), xg::gelu(e), xg::silu(e), xg::softplus(e)}) {
    EXPECT_EQ(y.shape(), (xg::Shape{0, 3}));
    EXPECT_EQ(y.dtype(), dt);
  }
  auto s = xg::full({}, -2.0, dt);
  EXPECT_EQ(xg::gelu(s).shape(), xg::Shape{});
  EXPECT_TRUE(Near(xg::leaky_relu(s, 0.5), {-1.0}, 0));
}

INSTANTIATE_TEST_SUITE_P(DTypes, ActivationOpsValues, ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

// ---- the registry ------------------------------------------------------------------------------

TEST(ActivationOpsRegistry, EveryOpIsReachableByName) {
  xg::manual_seed(5);
  auto x = xg::randn({2, 3}, xg::kFloat64);
  auto same = [](const xg::Tensor& a, const xg::Tensor& b) { return Near(a, b.to_vector(), 0); };
  auto y = xg::ops::call("leaky_relu", {x}, {{"negative_slope", 0.2}})[0];
  EXPECT_TRUE(same(y, xg::leaky_relu(x, 0.2)));
  EXPECT_TRUE(same(xg::ops::call("leaky_relu", {x})[0], xg::leaky_relu(x)));
  EXPECT_TRUE(same(xg::ops::call("elu", {x}, {{"alpha", 0.5}})[0], xg::elu(x, 0.5)));
  EXPECT_TRUE(same(xg::ops::call("elu", {x})[0], xg::elu(x)));
  EXPECT_TRUE(same(xg::ops::call("gelu", {x})[0], xg::gelu(x)));
  EXPECT_TRUE(same(xg::ops::call("silu", {x})[0], xg::silu(x)));
  EXPECT_TRUE(same(xg::ops::call("softplus", {x}, {{"beta", 2.0}, {"threshold", int64_t(1)}})[0],
                   xg::softplus(x, 2.0, 1.0)));
  EXPECT_TRUE(same(xg::ops::call("softplus", {x})[0], xg::softplus(x)));
  // recorded in the graph like a direct call, under the op's name
  auto leaf = x.detach().requires_grad_();
  auto out = xg::ops::call("leaky_relu", {leaf}, {{"negative_slope", 0.2}})[0];
  ASSERT_NE(out.grad_fn(), nullptr);
  EXPECT_EQ(out.grad_fn()->name(), "LeakyReluBackward");
  EXPECT_EQ(xg::gelu(leaf).grad_fn()->name(), "GeluBackward");
}

// ---- errors: type, and the op's name in the message ------------------------------------------

TEST(ActivationOpsErrors, Int64InputIsADTypeError) {
  auto i = xg::tensor(std::vector<int64_t>{1, -2}, {2});
  const std::vector<std::pair<const char*, UnaryFn>> ops = {
      {"leaky_relu", [](const xg::Tensor& t) { return xg::leaky_relu(t); }},
      {"elu", [](const xg::Tensor& t) { return xg::elu(t); }},
      {"gelu", [](const xg::Tensor& t) { return xg::gelu(t); }},
      {"silu", [](const xg::Tensor& t) { return xg::silu(t); }},
      {"softplus", [](const xg::Tensor& t) { return xg::softplus(t); }},
  };
  for (const auto& op : ops) {
    EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { op.second(i); }), op.first));
  }
}

TEST(ActivationOpsErrors, SoftplusBetaZeroOrInfiniteIsAValueError) {
  auto x = xg::ones({3});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::softplus(x, 0.0); }), "softplus"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::softplus(x, kInf); }), "softplus"));
}

TEST(ActivationOpsErrors, UndefinedTensorIsAValueError) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { xg::gelu(xg::Tensor()); }), "gelu"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { xg::softplus(xg::Tensor()); }), "softplus"));
}

TEST(ActivationOpsErrors, UnknownAttributeNamesTheOp) {
  auto x = xg::ones({3});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xg::ops::call("leaky_relu", {x}, {{"slope", 0.2}});
                       }),
                       "leaky_relu"));
}

}  // namespace
