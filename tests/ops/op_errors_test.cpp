// Op input errors: the exception type, then that the message names the op and shapes/dtypes.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

namespace {

using BinaryFn = xg::Tensor (*)(const xg::Tensor&, const xg::Tensor&);
struct BinaryOp {
  const char* name;
  BinaryFn fn;
  bool takes_int64 = false;  // + - * / compute on int64 since issue 13; matmul does not
};
void PrintTo(const BinaryOp& op, std::ostream* os) {
  *os << op.name;
}

class BinaryOpErrors : public ::testing::TestWithParam<BinaryOp> {};

TEST_P(BinaryOpErrors, ShapeMismatchIsShapeError) {
  auto a = xg::zeros({2, 3});
  auto b = xg::zeros({4});
  EXPECT_THROW(GetParam().fn(a, b), xg::ShapeError);
}

TEST_P(BinaryOpErrors, ShapeMismatchMessageNamesOpAndShapes) {
  auto a = xg::zeros({2, 3});
  auto b = xg::zeros({4});
  const BinaryFn fn = GetParam().fn;
  const auto msg = message_of<xg::ShapeError>([&] { fn(a, b); });
  EXPECT_TRUE(Contains(msg, std::string(GetParam().name) + ":"));
  EXPECT_TRUE(Contains(msg, "[2, 3]"));
  EXPECT_TRUE(Contains(msg, "[4]"));
}

TEST_P(BinaryOpErrors, ShapeMismatchWhenRecording) {
  // [2, 3] and [4, 2] neither broadcast nor multiply
  auto a = xg::zeros({2, 3}).requires_grad_();
  auto b = xg::zeros({4, 2}).requires_grad_();
  EXPECT_THROW(GetParam().fn(a, b), xg::ShapeError);
}

TEST_P(BinaryOpErrors, MixedDtypeIsDTypeError) {
  auto a = xg::zeros({2}, xg::kFloat32);
  auto b = xg::ones({2}, xg::kFloat64);
  EXPECT_THROW(GetParam().fn(a, b), xg::DTypeError);
  EXPECT_THROW(GetParam().fn(b, a), xg::DTypeError);
}

TEST_P(BinaryOpErrors, MixedDtypeMessageNamesOpAndDtypes) {
  auto a = xg::zeros({2}, xg::kFloat32);
  auto b = xg::ones({2}, xg::kFloat64);
  const BinaryFn fn = GetParam().fn;
  const auto msg = message_of<xg::DTypeError>([&] { fn(a, b); });
  EXPECT_TRUE(Contains(msg, std::string(GetParam().name) + ":"));
  EXPECT_TRUE(Contains(msg, "float32"));
  EXPECT_TRUE(Contains(msg, "float64"));
}

TEST_P(BinaryOpErrors, Int64IsDTypeError) {
  auto a = xg::tensor({1, 2}, xg::kInt64);
  if (GetParam().takes_int64) {  // no error, as in libtorch: int64 (float32 for true division)
    const auto expected = std::string(GetParam().name) == "div" ? xg::kFloat32 : xg::kInt64;
    EXPECT_EQ(GetParam().fn(a, a).dtype(), expected);
    return;
  }
  EXPECT_THROW(GetParam().fn(a, a), xg::DTypeError);
  const BinaryFn fn = GetParam().fn;
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { fn(a, a); }), "int64"));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, BinaryOpErrors,
    ::testing::Values(
        // + - * / take int64 since issue 13 (tests/ops/comparison_test.cpp); matmul does not.
        BinaryOp{"add", [](const xg::Tensor& a, const xg::Tensor& b) { return a + b; }, true},
        BinaryOp{"sub", [](const xg::Tensor& a, const xg::Tensor& b) { return a - b; }, true},
        BinaryOp{"mul", [](const xg::Tensor& a, const xg::Tensor& b) { return a * b; }, true},
        BinaryOp{"div", [](const xg::Tensor& a, const xg::Tensor& b) { return a / b; }, true},
        BinaryOp{"add", [](const xg::Tensor& a, const xg::Tensor& b) { return xg::add(a, b); },
                 true},
        BinaryOp{"sub", [](const xg::Tensor& a, const xg::Tensor& b) { return xg::sub(a, b); },
                 true},
        BinaryOp{"mul", [](const xg::Tensor& a, const xg::Tensor& b) { return xg::mul(a, b); },
                 true},
        BinaryOp{"div", [](const xg::Tensor& a, const xg::Tensor& b) { return xg::div(a, b); },
                 true},
        BinaryOp{"matmul",
                 [](const xg::Tensor& a, const xg::Tensor& b) { return xg::matmul(a, b); }}),
    [](const auto& info) {
      return std::string(info.param.name) + "_" + std::to_string(info.index);
    });

// ---- matmul
// --------------------------------------------------------------------------------------

TEST(MatmulErrors, InnerDimensionMismatch) {
  auto a = xg::zeros({64, 10});
  auto b = xg::zeros({5, 1});
  EXPECT_THROW(xg::matmul(a, b), xg::ShapeError);
}

TEST(MatmulErrors, InnerDimensionMismatchMessage) {
  auto a = xg::zeros({64, 10});
  auto b = xg::zeros({5, 1});
  const auto msg = message_of<xg::ShapeError>([&] { xg::matmul(a, b); });
  EXPECT_TRUE(Contains(msg, "matmul"));
  EXPECT_TRUE(Contains(msg, "[64, 10]"));
  EXPECT_TRUE(Contains(msg, "[5, 1]"));
  EXPECT_TRUE(Contains(msg, "inner dimensions 10 and 5"));
}

TEST(MatmulErrors, TransposedInnerDimensionMismatch) {
  auto a = xg::zeros({3, 2});
  auto b = xg::zeros({3, 4});
  EXPECT_THROW(xg::mm(a, b, false, false), xg::ShapeError);
  EXPECT_NO_THROW(xg::mm(a, b, true, false));
  EXPECT_THROW(xg::mm(a, b, true, true), xg::ShapeError);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::mm(a, b, true, true); }),
                       "inner dimensions 3 and 4"));
}

// matmul takes 1-D to 3-D operands (torch::matmul semantics); mm only 2-D ones.
TEST(MatmulErrors, MmRejectsNon2D) {
  auto v = xg::zeros({3});
  auto m = xg::zeros({3, 2});
  auto t = xg::zeros({2, 3, 2});
  EXPECT_THROW(xg::mm(v, m, false, false), xg::ShapeError);
  EXPECT_THROW(xg::mm(m, v, true, false), xg::ShapeError);
  EXPECT_THROW(xg::mm(t, m, false, false), xg::ShapeError);
  const auto msg = message_of<xg::ShapeError>([&] { xg::mm(v, m, false, false); });
  EXPECT_TRUE(Contains(msg, "matmul"));
  EXPECT_TRUE(Contains(msg, "2-D"));
  EXPECT_TRUE(Contains(msg, "[3]"));
}

TEST(MatmulErrors, OneDimensionalInnerMismatch) {
  auto v = xg::zeros({3});
  EXPECT_THROW(xg::matmul(v, xg::zeros({4, 2})), xg::ShapeError);
  EXPECT_THROW(xg::matmul(xg::zeros({2, 4}), v), xg::ShapeError);
  EXPECT_THROW(xg::matmul(v, xg::zeros({4})), xg::ShapeError);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         xg::matmul(v, xg::zeros({4, 2}));
                       }),
                       "inner dimensions 3 and 4"));
}

TEST(MatmulErrors, ThreeDimensionalMismatch) {
  auto t = xg::zeros({2, 3, 4});
  EXPECT_THROW(xg::matmul(t, xg::zeros({5, 2})), xg::ShapeError);     // inner 4 vs 5
  EXPECT_THROW(xg::matmul(t, xg::zeros({3, 4, 5})), xg::ShapeError);  // batch 2 vs 3
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         xg::matmul(t, xg::zeros({5, 2}));
                       }),
                       "inner dimensions 4 and 5"));
  const auto msg = message_of<xg::ShapeError>([&] { xg::matmul(t, xg::zeros({3, 4, 5})); });
  EXPECT_TRUE(Contains(msg, "matmul"));
  EXPECT_TRUE(Contains(msg, "[2, 3, 4]"));
  EXPECT_TRUE(Contains(msg, "[3, 4, 5]"));
}

TEST(MatmulErrors, FourDimensionalBatchesThatDoNotBroadcast) {
  auto q = xg::zeros({2, 2, 3, 4});
  EXPECT_EQ(xg::matmul(q, xg::zeros({4, 2})).shape(), (xg::Shape{2, 2, 3, 2}));  // broadcast
  EXPECT_THROW(xg::matmul(q, xg::zeros({3, 4, 2})), xg::ShapeError);
  const auto msg = message_of<xg::ShapeError>([&] { xg::matmul(q, xg::zeros({3, 4, 2})); });
  EXPECT_TRUE(Contains(msg, "matmul"));
  EXPECT_TRUE(Contains(msg, "[2, 2, 3, 4]"));
}

TEST(MatmulErrors, ZeroDimensionalInput) {
  EXPECT_THROW(xg::matmul(xg::zeros({}), xg::zeros({})), xg::ShapeError);
}

TEST(MatmulErrors, MixedDtypeInMm) {
  auto a = xg::zeros({2, 2});
  auto b = xg::zeros({2, 2}, xg::kFloat64);
  EXPECT_THROW(xg::mm(a, b, true, false), xg::DTypeError);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::mm(a, b, true, false); }), "matmul"));
}

// ---- unary ops on int64
// ----------------------------------------------------------------------------

using UnaryFn = xg::Tensor (*)(const xg::Tensor&);
struct UnaryOp {
  const char* name;
  UnaryFn fn;
};
void PrintTo(const UnaryOp& op, std::ostream* os) {
  *os << op.name;
}

class Int64UnaryErrors : public ::testing::TestWithParam<UnaryOp> {};

TEST_P(Int64UnaryErrors, IsDTypeError) {
  auto t = xg::tensor({1, 2, 3}, xg::kInt64);
  EXPECT_THROW(GetParam().fn(t), xg::DTypeError);
}

TEST_P(Int64UnaryErrors, MessageNamesOp) {
  auto t = xg::tensor({1, 2, 3}, xg::kInt64);
  const UnaryFn fn = GetParam().fn;
  const auto msg = message_of<xg::DTypeError>([&] { fn(t); });
  EXPECT_TRUE(Contains(msg, std::string(GetParam().name) + ":"));
  EXPECT_TRUE(Contains(msg, "int64"));
}

INSTANTIATE_TEST_SUITE_P(
    Ops, Int64UnaryErrors,
    ::testing::Values(UnaryOp{"exp", [](const xg::Tensor& x) { return xg::exp(x); }},
                      UnaryOp{"log", [](const xg::Tensor& x) { return xg::log(x); }},
                      UnaryOp{"pow", [](const xg::Tensor& x) { return xg::pow(x, 2.0); }},
                      UnaryOp{"relu", [](const xg::Tensor& x) { return xg::relu(x); }},
                      // neg, x + c, x * c and sum take int64 since issue 13.
                      UnaryOp{"mean", [](const xg::Tensor& x) { return x.mean(); }},
                      UnaryOp{"transpose",
                              [](const xg::Tensor& x) {
                                return x.reshape({1, 3}).transpose(0, 1);
                              }},
                      UnaryOp{"expand",
                              [](const xg::Tensor& x) {
                                return xg::expand(x, {2, 3});
                              }}),
    [](const auto& info) { return std::string(info.param.name); });

// ---- reductions and shape ops
// ----------------------------------------------------------------------

TEST(ReduceErrors, DimOutOfRangeIsIndexError) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(x.sum({5}), xg::IndexError);
  EXPECT_THROW(x.sum({-3}), xg::IndexError);
  EXPECT_THROW(x.mean({2}), xg::IndexError);
}

TEST(ReduceErrors, DimOutOfRangeMessage) {
  auto x = xg::zeros({2, 3});
  const auto msg = message_of<xg::IndexError>([&] { x.sum({5}); });
  EXPECT_TRUE(Contains(msg, "sum"));
  EXPECT_TRUE(Contains(msg, "5"));
  EXPECT_TRUE(Contains(msg, "rank 2"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { x.mean({2}); }), "mean"));
}

TEST(ReduceErrors, RepeatedDimIsValueError) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(x.sum({1, 1}), xg::ValueError);
  EXPECT_THROW(x.sum({0, -2}), xg::ValueError);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { x.sum({1, -1}); }), "sum"));
}

TEST(ReduceErrors, SumToNonBroadcastShape) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(xg::sum_to(x, {2}), xg::ShapeError);
  EXPECT_THROW(xg::sum_to(x, {1, 2, 3}), xg::ShapeError);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::sum_to(x, {2}); }), "sum_to"));
}

TEST(ShapeErrors, ReshapeToWrongSize) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(x.reshape({4}), xg::ShapeError);
  EXPECT_THROW(x.reshape({4, -1}), xg::ShapeError);
  EXPECT_THROW(x.reshape({7, 1}), xg::ShapeError);
}

TEST(ShapeErrors, ReshapeToWrongSizeMessage) {
  auto x = xg::zeros({2, 3});
  const auto msg = message_of<xg::ShapeError>([&] { x.reshape({4}); });
  EXPECT_TRUE(Contains(msg, "reshape"));
  EXPECT_TRUE(Contains(msg, "[2, 3]"));
  EXPECT_TRUE(Contains(msg, "[4]"));
}

TEST(ShapeErrors, ReshapeInvalidEntries) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(x.reshape({-1, -1}), xg::ValueError);
  EXPECT_THROW(x.reshape({-2, 3}), xg::ValueError);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { x.reshape({-1, -1}); }), "reshape"));
}

TEST(ShapeErrors, TransposeDimOutOfRange) {
  auto x = xg::zeros({2, 3});
  EXPECT_THROW(x.transpose(0, 2), xg::IndexError);
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { x.transpose(0, 2); }), "transpose"));
}

TEST(ShapeErrors, ExpandToIncompatibleShape) {
  auto x = xg::zeros({3});
  EXPECT_THROW(xg::expand(x, {2, 4}), xg::ShapeError);
  EXPECT_THROW(xg::expand(xg::zeros({2, 3}), {3}), xg::ShapeError);  // cannot drop dims
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::expand(x, {2, 4}); }), "expand"));
}

TEST(ConversionErrors, ToInt64WhileRequiringGrad) {
  auto x = xg::zeros({2}).requires_grad_();
  EXPECT_THROW(x.to(xg::kInt64), xg::DTypeError);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { x.to(xg::kInt64); }), "to"));
}

}  // namespace
