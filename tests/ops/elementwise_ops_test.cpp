// The elementwise math ops: abs, sqrt, sin, cos, tanh, sigmoid, clamp, maximum, minimum, where
// and pow(Tensor, Tensor). Finite-difference gradcheck (float64, seeded) on plain, broadcast
// and edge shapes; gradgradcheck of every op; hand-worked values in float32 and float64;
// extreme inputs; the registry; one test per error path.
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
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.14159265358979323846;

// ---- helpers ---------------------------------------------------------------------------------

::testing::AssertionResult Passes(const xg::GradcheckResult& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message;
}

/// Element-by-element comparison with expected values (NaN matches NaN, inf matches inf).
::testing::AssertionResult Near(const xg::Tensor& t, const std::vector<double>& expected,
                                double tol) {
  const auto v = t.to_vector();
  if (v.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "has " << v.size() << " elements, expected " << expected.size() << ": " << t;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const double e = expected[i];
    const bool same = std::isnan(e)   ? std::isnan(v[i])
                      : std::isinf(e) ? v[i] == e
                                      : std::abs(v[i] - e) <= tol * std::max(1.0, std::abs(e));
    if (!same) {
      return ::testing::AssertionFailure() << "element " << i << " is " << v[i] << ", expected "
                                           << e << " (tol " << tol << "): " << t;
    }
  }
  return ::testing::AssertionSuccess();
}

/// Passes when `text` contains `part`.
::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

/// The what() of the E that f throws ("<no exception>" when none; another type propagates).
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

xg::Tensor leaf_from(std::vector<double> values, const xg::Shape& shape) {
  if (values.empty()) return xg::zeros(shape, xg::kFloat64).requires_grad_();
  return xg::tensor(values, shape, xg::kFloat64).requires_grad_();
}

enum class Domain { Any, AwayFromZero, Positive, AwayFromClampBounds };
constexpr double kClampLo = -0.5, kClampHi = 0.7;

/// A float64 leaf with values suited to `domain`: away from kinks by at least 0.1, positive
/// (in [0.5, 2)) where the op needs it.
xg::Tensor random_leaf(const xg::Shape& shape, Domain domain) {
  if (domain == Domain::Positive) {
    return (xg::rand(shape, xg::kFloat64) * 1.5 + 0.5).detach().requires_grad_();
  }
  auto v = xg::randn(shape, xg::kFloat64).to_vector();
  std::vector<double> kinks;
  if (domain == Domain::AwayFromZero) kinks = {0.0};
  if (domain == Domain::AwayFromClampBounds) kinks = {kClampLo, kClampHi};
  for (auto& e : v) {
    for (double k : kinks)
      if (std::abs(e - k) < 0.1) e = k + (e >= k ? 0.1 : -0.1) + (e - k);
  }
  return leaf_from(v, shape);
}

std::string shape_tag(const xg::Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

// ---- unary ops: gradcheck and gradgradcheck ----------------------------------------------------

using UnaryFn = std::function<xg::Tensor(const xg::Tensor&)>;
struct UnaryCase {
  const char* name;
  UnaryFn fn;
  Domain domain;
};
void PrintTo(const UnaryCase& c, std::ostream* os) {
  *os << c.name;
}

const UnaryCase kUnaryCases[] = {
    {"abs", [](const xg::Tensor& x) { return xg::abs(x); }, Domain::AwayFromZero},
    {"sqrt", [](const xg::Tensor& x) { return xg::sqrt(x); }, Domain::Positive},
    {"sin", [](const xg::Tensor& x) { return xg::sin(x); }, Domain::Any},
    {"cos", [](const xg::Tensor& x) { return xg::cos(x); }, Domain::Any},
    {"tanh", [](const xg::Tensor& x) { return xg::tanh(x); }, Domain::Any},
    {"sigmoid", [](const xg::Tensor& x) { return xg::sigmoid(x); }, Domain::Any},
    {"sigmoid_wide", [](const xg::Tensor& x) { return xg::sigmoid(x * 8.0); }, Domain::Any},
    {"clamp", [](const xg::Tensor& x) { return xg::clamp(x, kClampLo, kClampHi); },
     Domain::AwayFromClampBounds},
    {"clamp_lower_only", [](const xg::Tensor& x) { return xg::clamp(x, kClampLo, kInf); },
     Domain::AwayFromClampBounds},
    {"clamp_upper_only", [](const xg::Tensor& x) { return xg::clamp(x, -kInf, kClampHi); },
     Domain::AwayFromClampBounds},
    // A composite: each op's backward feeding another's.
    {"sin_of_sqrt_times_tanh",
     [](const xg::Tensor& x) { return xg::sin(xg::sqrt(x)) * xg::tanh(x); }, Domain::Positive},
};

const xg::Shape kUnaryShapes[] = {{2, 3}, {5}, {}, {1}, {1, 4}, {3, 1, 2}, {0, 3}};

class ElementwiseOpsUnaryGrad : public ::testing::TestWithParam<std::tuple<UnaryCase, xg::Shape>> {
};

TEST_P(ElementwiseOpsUnaryGrad, MatchesFiniteDifferences) {
  const auto& [op, shape] = GetParam();
  xg::manual_seed(2024);
  auto x = random_leaf(shape, op.domain);
  const UnaryFn fn = op.fn;
  EXPECT_TRUE(Passes(xg::gradcheck([fn](const xg::TensorList& in) { return fn(in[0]); }, {x})));
}

// Every op, smooth or piecewise linear (then the second derivative is 0 away from the kinks).
TEST_P(ElementwiseOpsUnaryGrad, SecondDerivativeMatchesFiniteDifferences) {
  const auto& [op, shape] = GetParam();
  xg::manual_seed(77);
  auto x = random_leaf(shape, op.domain);
  const UnaryFn fn = op.fn;
  EXPECT_TRUE(Passes(xg::gradgradcheck([fn](const xg::TensorList& in) { return fn(in[0]); }, {x})));
}

std::string unary_name(const ::testing::TestParamInfo<ElementwiseOpsUnaryGrad::ParamType>& info) {
  return std::string(std::get<0>(info.param).name) + "_" + shape_tag(std::get<1>(info.param));
}
INSTANTIATE_TEST_SUITE_P(Ops, ElementwiseOpsUnaryGrad,
                         ::testing::Combine(::testing::ValuesIn(kUnaryCases),
                                            ::testing::ValuesIn(kUnaryShapes)),
                         unary_name);

// ---- binary ops (maximum, minimum, pow) and where: broadcast shapes ----------------------------

using BinaryFn = xg::Tensor (*)(const xg::Tensor&, const xg::Tensor&);
struct BinaryCase {
  const char* name;
  BinaryFn fn;
  Domain lhs;
};
void PrintTo(const BinaryCase& c, std::ostream* os) {
  *os << c.name;
}

const BinaryCase kBinaryCases[] = {
    {"maximum", xg::maximum, Domain::Any},
    {"minimum", xg::minimum, Domain::Any},
    {"pow", static_cast<BinaryFn>(xg::pow), Domain::Positive},
};

struct ShapePair {
  xg::Shape a, b;
};
void PrintTo(const ShapePair& p, std::ostream* os) {
  *os << xg::shape_str(p.a) << " and " << xg::shape_str(p.b);
}

const ShapePair kShapePairs[] = {
    {{2, 3}, {2, 3}},     // same shape
    {{5}, {5}},           // 1-D
    {{}, {}},             // two 0-d tensors
    {{3, 1}, {1, 4}},     // both broadcast
    {{4, 3}, {3}},        // lower-rank rhs
    {{3}, {4, 3}},        // lower-rank lhs
    {{2, 3}, {}},         // 0-d rhs
    {{}, {2, 3}},         // 0-d lhs
    {{2, 3}, {1}},        // one-element rhs
    {{1}, {2, 3}},        // one-element lhs
    {{2, 1, 3}, {4, 1}},  // 3-D with rank extension
    {{0, 3}, {0, 3}},     // empty
    {{0, 3}, {3}},        // empty, broadcast
    {{1, 3}, {0, 1}},     // broadcast to empty
};

class ElementwiseOpsBinaryGrad
    : public ::testing::TestWithParam<std::tuple<BinaryCase, ShapePair>> {};

TEST_P(ElementwiseOpsBinaryGrad, MatchesFiniteDifferences) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(31);
  auto a = random_leaf(shapes.a, op.lhs);
  auto b = random_leaf(shapes.b, Domain::Any);
  const BinaryFn fn = op.fn;
  EXPECT_TRUE(
      Passes(xg::gradcheck([fn](const xg::TensorList& in) { return fn(in[0], in[1]); }, {a, b})));
}

TEST_P(ElementwiseOpsBinaryGrad, OneSideRequiresGrad) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(32);
  auto a = random_leaf(shapes.a, op.lhs);
  auto b = random_leaf(shapes.b, Domain::Any);
  const BinaryFn fn = op.fn;
  auto f = [fn](const xg::TensorList& in) { return fn(in[0], in[1]); };
  EXPECT_TRUE(Passes(xg::gradcheck(f, {a, b.detach()})));
  EXPECT_TRUE(Passes(xg::gradcheck(f, {a.detach(), b})));
}

TEST_P(ElementwiseOpsBinaryGrad, SecondDerivativeMatchesFiniteDifferences) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(33);
  auto a = random_leaf(shapes.a, op.lhs);
  auto b = random_leaf(shapes.b, Domain::Any);
  const BinaryFn fn = op.fn;
  EXPECT_TRUE(Passes(
      xg::gradgradcheck([fn](const xg::TensorList& in) { return fn(in[0], in[1]); }, {a, b})));
}

std::string binary_name(const ::testing::TestParamInfo<ElementwiseOpsBinaryGrad::ParamType>& info) {
  const auto& shapes = std::get<1>(info.param);
  return std::string(std::get<0>(info.param).name) + "_" + shape_tag(shapes.a) + "_and_" +
         shape_tag(shapes.b);
}
INSTANTIATE_TEST_SUITE_P(Ops, ElementwiseOpsBinaryGrad,
                         ::testing::Combine(::testing::ValuesIn(kBinaryCases),
                                            ::testing::ValuesIn(kShapePairs)),
                         binary_name);

struct WhereShapes {
  xg::Shape cond, a, b;
};
void PrintTo(const WhereShapes& s, std::ostream* os) {
  *os << xg::shape_str(s.cond) << ", " << xg::shape_str(s.a) << ", " << xg::shape_str(s.b);
}
const WhereShapes kWhereShapes[] = {
    {{2, 3}, {2, 3}, {2, 3}},  // same shape
    {{}, {}, {}},              // 0-d
    {{2, 1}, {1, 3}, {3}},     // all three broadcast
    {{3}, {2, 3}, {}},         // cond broadcast, 0-d b
    {{2, 3}, {1}, {2, 1}},     // a and b broadcast
    {{1}, {4}, {4}},           // one-element cond
    {{0, 3}, {3}, {0, 3}},     // empty
    {{2, 1, 3}, {4, 1}, {3}},  // 3-D
};

class ElementwiseOpsWhereGrad
    : public ::testing::TestWithParam<std::tuple<WhereShapes, xg::DType>> {};

/// A random 0/1 condition of `dtype` (int64 or floating; nonzero means true).
xg::Tensor random_cond(const xg::Shape& shape, xg::DType dtype) {
  auto u = xg::rand(shape, xg::kFloat64).to_vector();
  std::vector<double> v;
  for (double e : u) v.push_back(e < 0.5 ? 0.0 : (e < 0.75 ? 1.0 : -2.5));  // -2.5 is true too
  if (dtype == xg::kInt64) {
    std::vector<int64_t> iv(v.begin(), v.end());
    return xg::tensor(iv, shape);
  }
  return v.empty() ? xg::zeros(shape, dtype) : xg::tensor(v, shape, dtype);
}

TEST_P(ElementwiseOpsWhereGrad, MatchesFiniteDifferences) {
  const auto& [shapes, cond_dtype] = GetParam();
  xg::manual_seed(41);
  auto cond = random_cond(shapes.cond, cond_dtype);
  auto a = random_leaf(shapes.a, Domain::Any);
  auto b = random_leaf(shapes.b, Domain::Any);
  auto f = [](const xg::TensorList& in) { return xg::where(in[0], in[1], in[2]); };
  EXPECT_TRUE(Passes(xg::gradcheck(f, {cond, a, b})));
  EXPECT_TRUE(Passes(xg::gradgradcheck(f, {cond, a, b})));
  EXPECT_TRUE(Passes(xg::gradcheck(f, {cond, a.detach(), b})));
}

std::string where_name(const ::testing::TestParamInfo<ElementwiseOpsWhereGrad::ParamType>& info) {
  const auto& s = std::get<0>(info.param);
  return shape_tag(s.cond) + "_" + shape_tag(s.a) + "_" + shape_tag(s.b) + "_cond_" +
         xg::dtype_name(std::get<1>(info.param));
}
INSTANTIATE_TEST_SUITE_P(Shapes, ElementwiseOpsWhereGrad,
                         ::testing::Combine(::testing::ValuesIn(kWhereShapes),
                                            ::testing::Values(xg::kFloat64, xg::kFloat32,
                                                              xg::kInt64)),
                         where_name);

// ---- hand-worked values, float32 and float64 -------------------------------------------------

class ElementwiseOpsValues : public ::testing::TestWithParam<xg::DType> {};

/// d sum(w * f(x)) / dx for a float tensor x built from `values` (w = 1).
xg::Tensor grad_of(const UnaryFn& f, const xg::Tensor& x) {
  auto xl = x.detach().requires_grad_();
  f(xl).sum().backward();
  return xl.grad();
}

TEST_P(ElementwiseOpsValues, Abs) {
  const auto dt = GetParam();
  auto x = xg::tensor({-1.5, 0.0, 2.0, -0.25}, {4}, dt);
  auto y = xg::abs(x);
  EXPECT_EQ(y.dtype(), dt);
  EXPECT_TRUE(Near(y, {1.5, 0.0, 2.0, 0.25}, 0));
  // sign(x), with 0 at 0
  auto g = grad_of([](const xg::Tensor& t) { return xg::abs(t); }, x);
  EXPECT_EQ(g.dtype(), dt);
  EXPECT_TRUE(Near(g, {-1, 0, 1, -1}, 0));
}

TEST_P(ElementwiseOpsValues, Sqrt) {
  const auto dt = GetParam();
  auto x = xg::tensor({4.0, 2.25, 0.0, 1e-4}, {4}, dt);
  EXPECT_TRUE(Near(xg::sqrt(x), {2.0, 1.5, 0.0, 1e-2}, tol_for(dt)));
  // 1 / (2 sqrt x): 1/4, 1/3, inf (as PyTorch), 50
  auto g = grad_of([](const xg::Tensor& t) { return xg::sqrt(t); }, x);
  EXPECT_TRUE(Near(g, {0.25, 1.0 / 3.0, kInf, 50.0}, tol_for(dt)));
  EXPECT_TRUE(std::isnan(xg::sqrt(xg::tensor({-1.0}, {1}, dt)).item()));
}

TEST_P(ElementwiseOpsValues, SinCos) {
  const auto dt = GetParam();
  auto x = xg::tensor({0.0, kPi / 6, kPi / 2, kPi / 3, kPi}, {5}, dt);
  EXPECT_TRUE(Near(xg::sin(x), {0.0, 0.5, 1.0, std::sqrt(3.0) / 2, 0.0}, tol_for(dt) * 4));
  EXPECT_TRUE(Near(xg::cos(x), {1.0, std::sqrt(3.0) / 2, 0.0, 0.5, -1.0}, tol_for(dt) * 4));
  // sin' = cos, cos' = -sin
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::sin(t); }, x),
                   {1.0, std::sqrt(3.0) / 2, 0.0, 0.5, -1.0}, tol_for(dt) * 4));
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::cos(t); }, x),
                   {0.0, -0.5, -1.0, -std::sqrt(3.0) / 2, 0.0}, tol_for(dt) * 4));
}

TEST_P(ElementwiseOpsValues, Tanh) {
  const auto dt = GetParam();
  // tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6
  auto x = xg::tensor({0.0, std::log(2.0), -std::log(2.0), 1000.0, -1000.0}, {5}, dt);
  EXPECT_TRUE(Near(xg::tanh(x), {0.0, 0.6, -0.6, 1.0, -1.0}, tol_for(dt)));
  // 1 - tanh^2: 1, 0.64, 0.64, 0, 0
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::tanh(t); }, x),
                   {1.0, 0.64, 0.64, 0.0, 0.0}, tol_for(dt)));
}

TEST_P(ElementwiseOpsValues, Sigmoid) {
  const auto dt = GetParam();
  // sigmoid(ln 3) = 3 / 4; sigmoid(+-1000) is exactly 1 / 0, never NaN
  auto x = xg::tensor({0.0, std::log(3.0), -std::log(3.0), 1000.0, -1000.0, 88.0, -88.0}, {7}, dt);
  auto y = xg::sigmoid(x);
  const double tiny = 1.0 / (1.0 + std::exp(88.0));
  EXPECT_TRUE(Near(y, {0.5, 0.75, 0.25, 1.0, 0.0, 1.0, tiny}, tol_for(dt)));
  EXPECT_EQ(y.to_vector()[3], 1.0);
  EXPECT_EQ(y.to_vector()[4], 0.0);
  // s (1 - s): 1/4, 3/16, 3/16, 0, 0
  auto g = grad_of([](const xg::Tensor& t) { return xg::sigmoid(t); }, x);
  for (double v : g.to_vector()) EXPECT_TRUE(std::isfinite(v));
  EXPECT_TRUE(Near(g, {0.25, 3.0 / 16, 3.0 / 16, 0.0, 0.0, 0.0, 0.0}, tol_for(dt)));
}

TEST_P(ElementwiseOpsValues, Clamp) {
  const auto dt = GetParam();
  auto x = xg::tensor({-2.0, -0.5, 0.25, 1.0, 5.0}, {5}, dt);
  EXPECT_TRUE(Near(xg::clamp(x, -0.5, 1.0), {-0.5, -0.5, 0.25, 1.0, 1.0}, 0));
  // 1 inside [lo, hi], bounds included (as PyTorch), 0 outside
  EXPECT_TRUE(Near(grad_of([](const xg::Tensor& t) { return xg::clamp(t, -0.5, 1.0); }, x),
                   {0, 1, 1, 1, 0}, 0));
  EXPECT_TRUE(Near(xg::clamp(x, 0.0, kInf), {0, 0, 0.25, 1.0, 5.0}, 0));
  EXPECT_TRUE(Near(xg::clamp(x, -kInf, 0.0), {-2.0, -0.5, 0, 0, 0}, 0));
  EXPECT_TRUE(Near(xg::clamp(x, 0.5, 0.5), {0.5, 0.5, 0.5, 0.5, 0.5}, 0));  // lo == hi is fine
  EXPECT_TRUE(std::isnan(xg::clamp(xg::tensor({kNaN}, {1}, dt), 0.0, 1.0).item()));
}

TEST_P(ElementwiseOpsValues, MaximumMinimumWithTies) {
  const auto dt = GetParam();
  auto a = xg::tensor({1.0, 2.0, 3.0}, {3}, dt).requires_grad_();
  auto b = xg::tensor({3.0, 2.0, 1.0}, {3}, dt).requires_grad_();
  auto mx = xg::maximum(a, b);
  EXPECT_TRUE(Near(mx, {3, 2, 3}, 0));
  mx.sum().backward();
  EXPECT_TRUE(Near(a.grad(), {0, 0.5, 1}, 0));  // the tie is split half/half
  EXPECT_TRUE(Near(b.grad(), {1, 0.5, 0}, 0));

  auto c = a.detach().requires_grad_();
  auto d = b.detach().requires_grad_();
  auto mn = xg::minimum(c, d);
  EXPECT_TRUE(Near(mn, {1, 2, 1}, 0));
  mn.sum().backward();
  EXPECT_TRUE(Near(c.grad(), {1, 0.5, 0}, 0));
  EXPECT_TRUE(Near(d.grad(), {0, 0.5, 1}, 0));
}

TEST_P(ElementwiseOpsValues, MaximumMinimumBroadcastAndNaN) {
  const auto dt = GetParam();
  auto a = xg::tensor({{-1.0, 0.5, 2.0}, {3.0, -4.0, 0.0}}, dt).requires_grad_();
  auto zero = xg::zeros({}, dt).requires_grad_();
  auto y = xg::maximum(a, zero);  // relu, with the tie at 0 split
  EXPECT_EQ(y.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(Near(y, {0, 0.5, 2, 3, 0, 0}, 0));
  y.sum().backward();
  EXPECT_TRUE(Near(a.grad(), {0, 1, 1, 1, 0, 0.5}, 0));
  EXPECT_EQ(zero.grad().shape(), xg::Shape{});
  EXPECT_TRUE(Near(zero.grad(), {2.5}, 0));  // 1 + 1 + 0.5
  EXPECT_TRUE(Near(xg::minimum(a, zero), {-1, 0, 0, 0, -4, 0}, 0));
  // NaN propagates from either side, as torch.maximum / torch.minimum
  auto n = xg::tensor({kNaN, 1.0}, {2}, dt);
  auto m = xg::tensor({1.0, kNaN}, {2}, dt);
  EXPECT_TRUE(Near(xg::maximum(n, m), {kNaN, kNaN}, 0));
  EXPECT_TRUE(Near(xg::minimum(n, m), {kNaN, kNaN}, 0));
}

TEST_P(ElementwiseOpsValues, Where) {
  const auto dt = GetParam();
  auto cond = xg::tensor({{1.0}, {0.0}}, dt);  // [2, 1]: row 0 takes a, row 1 takes b
  auto a = xg::tensor({1.0, 2.0, 3.0}, {3}, dt).requires_grad_();
  auto b = xg::tensor({-5.0}, {}, dt).requires_grad_();
  auto y = xg::where(cond, a, b);
  EXPECT_EQ(y.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(Near(y, {1, 2, 3, -5, -5, -5}, 0));
  y.sum().backward();
  EXPECT_TRUE(Near(a.grad(), {1, 1, 1}, 0));
  EXPECT_EQ(b.grad().shape(), xg::Shape{});
  EXPECT_TRUE(Near(b.grad(), {3}, 0));

  auto icond = xg::tensor(std::vector<int64_t>{0, 7, -1}, {3});  // int64: nonzero is true
  EXPECT_TRUE(Near(xg::where(icond, a, b), {-5, 2, 3}, 0));
}

TEST(ElementwiseOpsWhere, ConditionIsNeverDifferentiated) {
  auto cond = xg::tensor({1.0, 0.0}, {2}, xg::kFloat64).requires_grad_();
  auto a = xg::tensor({1.0, 2.0}, {2}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({3.0, 4.0}, {2}, xg::kFloat64);
  auto y = xg::where(cond, a, b);
  y.sum().backward();
  EXPECT_FALSE(cond.grad().defined());
  EXPECT_TRUE(Near(a.grad(), {1, 0}, 0));
}

TEST(ElementwiseOpsWhere, GradientIsSelectedNotMultipliedByAMask) {
  // An infinite incoming gradient goes to the selected side only: the other side gets an
  // exact 0 (a 0/1 mask multiplication would give 0 * inf = NaN).
  auto cond = xg::tensor({1.0, 0.0}, {2}, xg::kFloat64);
  auto a = xg::tensor({1.0, 2.0}, {2}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({3.0, 4.0}, {2}, xg::kFloat64).requires_grad_();
  xg::where(cond, a, b).backward(xg::tensor({kInf, 1.0}, {2}, xg::kFloat64));
  EXPECT_TRUE(Near(a.grad(), {kInf, 0.0}, 0));
  EXPECT_TRUE(Near(b.grad(), {0.0, 1.0}, 0));
}

TEST_P(ElementwiseOpsValues, PowTensorTensor) {
  const auto dt = GetParam();
  auto a = xg::tensor({2.0, 9.0, 4.0, 0.5}, {4}, dt).requires_grad_();
  auto b = xg::tensor({3.0, 0.5, -1.0, 2.0}, {4}, dt).requires_grad_();
  auto y = xg::pow(a, b);
  EXPECT_TRUE(Near(y, {8.0, 3.0, 0.25, 0.25}, tol_for(dt)));
  y.sum().backward();
  // d/da = b a^(b-1): 12, 0.5 / 3, -1/16, 1
  EXPECT_TRUE(Near(a.grad(), {12.0, 1.0 / 6.0, -1.0 / 16.0, 1.0}, tol_for(dt)));
  // d/db = a^b ln a: 8 ln 2, 3 ln 9, ln 4 / 4, ln(0.5) / 4
  EXPECT_TRUE(Near(b.grad(),
                   {8 * std::log(2.0), 3 * std::log(9.0), std::log(4.0) / 4, std::log(0.5) / 4},
                   tol_for(dt) * 4));
}

TEST_P(ElementwiseOpsValues, PowTensorZeroBaseAndZeroExponent) {
  const auto dt = GetParam();
  // 0^2 = 0, 0^0 = 1, 3^0 = 1; gradients 0 where the formulas would give 0 * inf, as PyTorch
  auto a = xg::tensor({0.0, 0.0, 3.0}, {3}, dt).requires_grad_();
  auto b = xg::tensor({2.0, 0.0, 0.0}, {3}, dt).requires_grad_();
  auto y = xg::pow(a, b);
  EXPECT_TRUE(Near(y, {0.0, 1.0, 1.0}, 0));
  y.sum().backward();
  EXPECT_TRUE(Near(a.grad(), {0.0, 0.0, 0.0}, 0));
  EXPECT_TRUE(Near(b.grad(), {0.0, 0.0, std::log(3.0)}, tol_for(dt)));
}

TEST_P(ElementwiseOpsValues, EmptyAndZeroDimShapesAreKept) {
  const auto dt = GetParam();
  auto e = xg::zeros({0, 3}, dt);
  auto s = xg::full({}, 0.25, dt);
  for (const auto& y : {xg::abs(e), xg::sqrt(e), xg::sin(e), xg::cos(e), xg::tanh(e),
                        xg::sigmoid(e), xg::clamp(e, 0, 1), xg::maximum(e, s), xg::minimum(s, e),
                        xg::pow(e, s), xg::where(s, e, s)}) {
    EXPECT_EQ(y.shape(), (xg::Shape{0, 3}));
    EXPECT_EQ(y.dtype(), dt);
  }
  EXPECT_EQ(xg::sqrt(s).shape(), xg::Shape{});
  EXPECT_TRUE(Near(xg::sqrt(s), {0.5}, 0));
  EXPECT_TRUE(Near(xg::pow(s, s), {std::pow(0.25, 0.25)}, tol_for(dt)));
}

INSTANTIATE_TEST_SUITE_P(DTypes, ElementwiseOpsValues,
                         ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

// ---- hand-derived second derivatives -----------------------------------------------------------

TEST(ElementwiseOpsSecondOrder, HandDerived) {
  auto x = xg::tensor({0.3, -1.2}, {2}, xg::kFloat64).requires_grad_();
  auto d2 = [&](const UnaryFn& f) {
    auto g = xg::grad({f(x).sum()}, {x}, {}, true, true)[0];
    return xg::grad({g.sum()}, {x})[0];
  };
  std::vector<double> tanh2, sig2, sin2, sqrt2;
  for (double v : {0.3, -1.2}) {
    const double t = std::tanh(v), s = 1 / (1 + std::exp(-v));
    tanh2.push_back(-2 * t * (1 - t * t));
    sig2.push_back(s * (1 - s) * (1 - 2 * s));
    sin2.push_back(-std::sin(v));
  }
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::tanh(t); }), tanh2, 1e-12));
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::sigmoid(t); }), sig2, 1e-12));
  EXPECT_TRUE(Near(d2([](const xg::Tensor& t) { return xg::sin(t); }), sin2, 1e-12));
  auto p = xg::tensor({4.0}, {1}, xg::kFloat64).requires_grad_();
  auto g = xg::grad({xg::sqrt(p).sum()}, {p}, {}, true, true)[0];
  EXPECT_TRUE(Near(xg::grad({g.sum()}, {p})[0], {-1.0 / 32.0}, 1e-14));  // -x^(-3/2) / 4
}

// ---- the registry ------------------------------------------------------------------------------

TEST(ElementwiseOpsRegistry, EveryOpIsReachableByName) {
  for (const char* name : {"abs", "sqrt", "sin", "cos", "tanh", "sigmoid", "clamp", "maximum",
                           "minimum", "where", "pow_tensor"}) {
    EXPECT_TRUE(xg::ops::has(name)) << name;
  }
  xg::manual_seed(3);
  auto x = xg::rand({2, 3}, xg::kFloat64) + 0.5;
  auto y = xg::randn({3}, xg::kFloat64);
  auto same = [](const xg::Tensor& a, const xg::Tensor& b) { return Near(a, b.to_vector(), 0); };
  EXPECT_TRUE(same(xg::ops::call("abs", {y})[0], xg::abs(y)));
  EXPECT_TRUE(same(xg::ops::call("sqrt", {x})[0], xg::sqrt(x)));
  EXPECT_TRUE(same(xg::ops::call("sin", {y})[0], xg::sin(y)));
  EXPECT_TRUE(same(xg::ops::call("cos", {y})[0], xg::cos(y)));
  EXPECT_TRUE(same(xg::ops::call("tanh", {y})[0], xg::tanh(y)));
  EXPECT_TRUE(same(xg::ops::call("sigmoid", {y})[0], xg::sigmoid(y)));
  EXPECT_TRUE(
      same(xg::ops::call("clamp", {y}, {{"min", -0.5}, {"max", 0.5}})[0], xg::clamp(y, -0.5, 0.5)));
  EXPECT_TRUE(same(xg::ops::call("clamp", {y}, {{"min", int64_t(0)}})[0],
                   xg::clamp(y, 0.0, kInf)));  // a missing bound is unbounded
  EXPECT_TRUE(same(xg::ops::call("maximum", {x, y})[0], xg::maximum(x, y)));
  EXPECT_TRUE(same(xg::ops::call("minimum", {x, y})[0], xg::minimum(x, y)));
  EXPECT_TRUE(same(xg::ops::call("pow_tensor", {x, y})[0], xg::pow(x, y)));
  auto cond = xg::tensor(std::vector<int64_t>{1, 0, 1}, {3});
  EXPECT_TRUE(same(xg::ops::call("where", {cond, x, y})[0], xg::where(cond, x, y)));
  // recorded in the graph like a direct call
  auto leaf = x.detach().requires_grad_();
  auto out = xg::ops::call("sigmoid", {leaf})[0];
  EXPECT_NE(out.grad_fn(), nullptr);
  EXPECT_EQ(out.grad_fn()->name(), "SigmoidBackward");
}

// ---- errors: type, and the op's name in the message ------------------------------------------

TEST(ElementwiseOpsErrors, Int64InputIsADTypeError) {
  auto i = xg::tensor(std::vector<int64_t>{1, 2}, {2});
  const std::vector<std::pair<const char*, UnaryFn>> ops = {
      {"abs", [](const xg::Tensor& t) { return xg::abs(t); }},
      {"sqrt", [](const xg::Tensor& t) { return xg::sqrt(t); }},
      {"sin", [](const xg::Tensor& t) { return xg::sin(t); }},
      {"cos", [](const xg::Tensor& t) { return xg::cos(t); }},
      {"tanh", [](const xg::Tensor& t) { return xg::tanh(t); }},
      {"sigmoid", [](const xg::Tensor& t) { return xg::sigmoid(t); }},
      {"clamp", [](const xg::Tensor& t) { return xg::clamp(t, 0, 1); }},
      {"maximum", [](const xg::Tensor& t) { return xg::maximum(t, t); }},
      {"minimum", [](const xg::Tensor& t) { return xg::minimum(t, t); }},
      {"pow", [](const xg::Tensor& t) { return xg::pow(t, t); }},
  };  // where() takes int64 data since issue 13 (tests/ops/comparison_test.cpp)
  for (const auto& op : ops) {
    EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { op.second(i); }), op.first));
  }
}

TEST(ElementwiseOpsErrors, MixedDTypesAreADTypeError) {
  auto f = xg::ones({2}, xg::kFloat32);
  auto d = xg::ones({2}, xg::kFloat64);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::maximum(f, d); }), "maximum"));
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::minimum(d, f); }), "minimum"));
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::pow(f, d); }), "pow"));
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::where(d, f, d); }), "where"));
  // the condition's dtype is free: a float32 condition selects float64 values
  EXPECT_NO_THROW(xg::where(f, d, d));
}

TEST(ElementwiseOpsErrors, NonBroadcastableShapesAreAShapeError) {
  auto a = xg::ones({2, 3}, xg::kFloat64);
  auto b = xg::ones({4}, xg::kFloat64);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::maximum(a, b); }), "maximum"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::minimum(a, b); }), "minimum"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::pow(a, b); }), "pow"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::where(b, a, a); }), "where"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::where(a, b, a); }), "where"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::where(a, a, b); }), "where"));
}

TEST(ElementwiseOpsErrors, ClampBoundsOutOfOrderAreAValueError) {
  auto x = xg::ones({3});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::clamp(x, 1.0, -1.0); }), "clamp"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::clamp(x, kNaN, 1.0); }), "clamp"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xg::ops::call("clamp", {x}, {{"min", 2.0}, {"max", 1.0}});
                       }),
                       "clamp"));
}

TEST(ElementwiseOpsErrors, UndefinedTensorsAreAValueError) {
  auto x = xg::ones({3});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::sqrt(xg::Tensor()); }), "sqrt"));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { xg::where(xg::Tensor(), x, x); }), "where"));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { xg::maximum(x, xg::Tensor()); }), "maximum"));
}

}  // namespace
