// Float64 gradcheck of + - * / (same shape, broadcast, scalar) and the unary elementwise ops.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;

namespace {

// ---- tensor (op) tensor ---------------------------------------------------------------------

using BinaryFn = xg::Tensor (*)(const xg::Tensor&, const xg::Tensor&);
struct BinaryOp {
  const char* name;
  BinaryFn fn;
  bool positive_rhs;  // keep the denominator away from 0
};
void PrintTo(const BinaryOp& op, std::ostream* os) {
  *os << op.name;
}

const BinaryOp kBinaryOps[] = {
    {"add", [](const xg::Tensor& a, const xg::Tensor& b) { return a + b; }, false},
    {"sub", [](const xg::Tensor& a, const xg::Tensor& b) { return a - b; }, false},
    {"mul", [](const xg::Tensor& a, const xg::Tensor& b) { return a * b; }, false},
    {"div", [](const xg::Tensor& a, const xg::Tensor& b) { return a / b; }, true},
};

struct ShapePair {
  xg::Shape a, b;
};
void PrintTo(const ShapePair& p, std::ostream* os) {
  *os << xg::shape_str(p.a) << " and " << xg::shape_str(p.b);
}

const ShapePair kShapePairs[] = {
    {{2, 3}, {2, 3}},     // same shape
    {{5}, {5}},           // same shape, 1-D
    {{}, {}},             // two 0-d tensors
    {{3, 1}, {1, 4}},     // both broadcast
    {{1, 4}, {3, 1}},     // both broadcast, swapped
    {{4, 3}, {3}},        // lower-rank rhs
    {{3}, {4, 3}},        // lower-rank lhs
    {{2, 3}, {}},         // 0-d rhs
    {{}, {2, 3}},         // 0-d lhs
    {{2, 3}, {1}},        // one-element rhs
    {{1}, {2, 3}},        // one-element lhs
    {{2, 1, 3}, {4, 1}},  // 3-D with rank extension on both sides
};

class BinaryGrad : public ::testing::TestWithParam<std::tuple<BinaryOp, ShapePair>> {};

TEST_P(BinaryGrad, MatchesFiniteDifferences) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(1234);
  auto a = xgtest::randn_leaf(shapes.a);
  auto b = op.positive_rhs ? xgtest::positive_leaf(shapes.b) : xgtest::randn_leaf(shapes.b);
  const BinaryFn fn = op.fn;
  EXPECT_TRUE(GradcheckPasses([fn](const xg::TensorList& in) { return fn(in[0], in[1]); }, {a, b}));
}

TEST_P(BinaryGrad, OnlyLhsRequiresGrad) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(99);
  auto a = xgtest::randn_leaf(shapes.a);
  auto b =
      op.positive_rhs ? xg::rand(shapes.b, xg::kFloat64) + 0.5 : xg::randn(shapes.b, xg::kFloat64);
  const BinaryFn fn = op.fn;
  EXPECT_TRUE(GradcheckPasses([fn](const xg::TensorList& in) { return fn(in[0], in[1]); }, {a, b}));
}

TEST_P(BinaryGrad, OnlyRhsRequiresGrad) {
  const auto& [op, shapes] = GetParam();
  xg::manual_seed(7);
  auto a = xg::randn(shapes.a, xg::kFloat64);
  auto b = op.positive_rhs ? xgtest::positive_leaf(shapes.b) : xgtest::randn_leaf(shapes.b);
  const BinaryFn fn = op.fn;
  EXPECT_TRUE(GradcheckPasses([fn](const xg::TensorList& in) { return fn(in[0], in[1]); }, {a, b}));
}

INSTANTIATE_TEST_SUITE_P(AllOpsAndShapes, BinaryGrad,
                         ::testing::Combine(::testing::ValuesIn(kBinaryOps),
                                            ::testing::ValuesIn(kShapePairs)),
                         [](const auto& info) {
                           const BinaryOp& op = std::get<0>(info.param);
                           const ShapePair& shapes = std::get<1>(info.param);
                           return std::string(op.name) + "_" + xgtest::shape_tag(shapes.a) + "_" +
                                  xgtest::shape_tag(shapes.b) + "_" + std::to_string(info.index);
                         });

// ---- tensor (op) scalar and scalar (op) tensor -----------------------------------------------

using UnaryFn = xg::Tensor (*)(const xg::Tensor&);
enum class Domain { Any, Positive, AwayFromZero };
struct UnaryOp {
  const char* name;
  UnaryFn fn;
  Domain domain;
};
void PrintTo(const UnaryOp& op, std::ostream* os) {
  *os << op.name;
}

const UnaryOp kScalarOps[] = {
    {"tensor_plus_scalar", [](const xg::Tensor& x) { return x + 2.5; }, Domain::Any},
    {"tensor_minus_scalar", [](const xg::Tensor& x) { return x - 2.5; }, Domain::Any},
    {"tensor_times_scalar", [](const xg::Tensor& x) { return x * -1.75; }, Domain::Any},
    {"tensor_div_scalar", [](const xg::Tensor& x) { return x / 0.8; }, Domain::Any},
    {"scalar_plus_tensor", [](const xg::Tensor& x) { return 2.5 + x; }, Domain::Any},
    {"scalar_minus_tensor", [](const xg::Tensor& x) { return 2.5 - x; }, Domain::Any},
    {"scalar_times_tensor", [](const xg::Tensor& x) { return -1.75 * x; }, Domain::Any},
    {"scalar_div_tensor", [](const xg::Tensor& x) { return 1.5 / x; }, Domain::Positive},
    {"scalar_div_negative_tensor", [](const xg::Tensor& x) { return 1.5 / -x; }, Domain::Positive},
};

const UnaryOp kUnaryOps[] = {
    {"neg", [](const xg::Tensor& x) { return xg::neg(x); }, Domain::Any},
    {"unary_minus", [](const xg::Tensor& x) { return -x; }, Domain::Any},
    {"exp", [](const xg::Tensor& x) { return xg::exp(x); }, Domain::Any},
    {"exp_method", [](const xg::Tensor& x) { return x.exp(); }, Domain::Any},
    {"log", [](const xg::Tensor& x) { return xg::log(x); }, Domain::Positive},
    {"log_method", [](const xg::Tensor& x) { return x.log(); }, Domain::Positive},
    {"pow_2", [](const xg::Tensor& x) { return xg::pow(x, 2.0); }, Domain::Positive},
    {"pow_2_any_sign", [](const xg::Tensor& x) { return x.pow(2.0); }, Domain::Any},
    {"pow_3_5", [](const xg::Tensor& x) { return xg::pow(x, 3.5); }, Domain::Positive},
    {"pow_3", [](const xg::Tensor& x) { return x.pow(3.0); }, Domain::Any},
    {"pow_minus_1_5", [](const xg::Tensor& x) { return xg::pow(x, -1.5); }, Domain::Positive},
    {"pow_0", [](const xg::Tensor& x) { return xg::pow(x, 0.0); }, Domain::Positive},
    {"pow_1", [](const xg::Tensor& x) { return xg::pow(x, 1.0); }, Domain::Any},
    {"relu", [](const xg::Tensor& x) { return xg::relu(x); }, Domain::AwayFromZero},
    {"relu_method", [](const xg::Tensor& x) { return x.relu(); }, Domain::AwayFromZero},
    {"clone", [](const xg::Tensor& x) { return xg::clone(x); }, Domain::Any},
    {"clone_method", [](const xg::Tensor& x) { return x.clone(); }, Domain::Any},
};

const xg::Shape kUnaryShapes[] = {{5}, {2, 3}, {}, {2, 3, 2}};

class UnaryGrad : public ::testing::TestWithParam<std::tuple<UnaryOp, xg::Shape>> {};

TEST_P(UnaryGrad, MatchesFiniteDifferences) {
  const auto& [op, shape] = GetParam();
  xg::manual_seed(42);
  xg::Tensor x;
  switch (op.domain) {
    case Domain::Any:
      x = xgtest::randn_leaf(shape);
      break;
    case Domain::Positive:
      x = xgtest::positive_leaf(shape);
      break;
    case Domain::AwayFromZero:
      x = xgtest::away_from_zero_leaf(shape);
      break;
  }
  const UnaryFn fn = op.fn;
  EXPECT_TRUE(GradcheckPasses([fn](const xg::TensorList& in) { return fn(in[0]); }, {x}));
}

auto unary_name = [](const auto& info) {
  const auto& [op, shape] = info.param;
  return std::string(op.name) + "_" + xgtest::shape_tag(shape);
};

INSTANTIATE_TEST_SUITE_P(ScalarOperators, UnaryGrad,
                         ::testing::Combine(::testing::ValuesIn(kScalarOps),
                                            ::testing::ValuesIn(kUnaryShapes)),
                         unary_name);
INSTANTIATE_TEST_SUITE_P(UnaryOps, UnaryGrad,
                         ::testing::Combine(::testing::ValuesIn(kUnaryOps),
                                            ::testing::ValuesIn(kUnaryShapes)),
                         unary_name);

// ---- a composite expression mixing the ops ---------------------------------------------------

TEST(ElementwiseGrad, CompositeExpression) {
  xg::manual_seed(5);
  auto a = xgtest::positive_leaf({3, 4});
  auto b = xgtest::randn_leaf({4});
  auto c = xgtest::randn_leaf({3, 1});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return xg::log(in[0] * 2.0 + 1.0) * xg::exp(in[1] / 3.0) - in[2].pow(2.0) / (1.0 + in[0]);
      },
      {a, b, c}));
}

}  // namespace
