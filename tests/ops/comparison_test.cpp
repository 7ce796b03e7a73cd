// Comparisons, masks and integer arithmetic (issue 13 item 5): bool results, the operators,
// where/masked_fill/any/all, int64 and bool arithmetic and reductions without autograd, the
// accuracy idiom, scalar compound assignment, and the errors where xgrad differs.
#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::ValuesEqual;

TEST(Comparison, OperatorsGiveBool) {
  const auto a = xg::tensor({1.0, 2.0, 3.0});
  const auto b = xg::tensor({3.0, 2.0, 1.0});
  EXPECT_EQ((a == b).dtype(), xg::kBool);
  EXPECT_TRUE(ValuesEqual(a == b, {0, 1, 0}));
  EXPECT_TRUE(ValuesEqual(a != b, {1, 0, 1}));
  EXPECT_TRUE(ValuesEqual(a < b, {1, 0, 0}));
  EXPECT_TRUE(ValuesEqual(a <= b, {1, 1, 0}));
  EXPECT_TRUE(ValuesEqual(a > b, {0, 0, 1}));
  EXPECT_TRUE(ValuesEqual(a >= b, {0, 1, 1}));
  EXPECT_TRUE(ValuesEqual(a > 1.5, {0, 1, 1}));
  EXPECT_TRUE(ValuesEqual(a.gt(1.5), {0, 1, 1}));
  EXPECT_TRUE(ValuesEqual(a.eq(b), {0, 1, 0}));
  EXPECT_TRUE(ValuesEqual((a > 1.5) & (a < 2.5), {0, 1, 0}));
  EXPECT_TRUE(ValuesEqual((a < 1.5) | (a > 2.5), {1, 0, 1}));
  EXPECT_TRUE(ValuesEqual(~(a > 1.5), {1, 0, 0}));
}

TEST(Comparison, Broadcasts) {
  const auto col = xg::tensor({{1.0}, {2.0}});
  const auto row = xg::tensor({1.0, 2.0, 3.0});
  const auto m = col < row;
  EXPECT_EQ(m.sizes(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(m, {0, 1, 1, 0, 0, 1}));
}

TEST(Comparison, AccuracyIdiom) {
  const auto logits = xg::tensor({{0.1, 0.9}, {0.8, 0.2}, {0.3, 0.7}});
  const auto labels = xg::tensor({1, 0, 0});
  const auto pred = logits.argmax(1);
  const int64_t correct = (pred == labels).sum().item<int64_t>();
  EXPECT_EQ(correct, 2);
  EXPECT_EQ((pred == labels).sum().dtype(), xg::kInt64);
  const auto acc = static_cast<double>(correct) / labels.size(0);
  EXPECT_NEAR(acc, 2.0 / 3.0, 1e-12);
}

TEST(Comparison, WhereMaskedFillAnyAll) {
  const auto x = xg::tensor({-1.0, 2.0, -3.0}, xg::requires_grad());
  const auto y = x.masked_fill(x < 0, 0.0);
  EXPECT_TRUE(ValuesEqual(y, {0, 2, 0}));
  y.sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 1, 0}));
  EXPECT_TRUE(ValuesEqual(xg::where(x > 0, x, 0.0), {0, 2, 0}));
  EXPECT_TRUE((x > 1).any().item<bool>());
  EXPECT_FALSE((x > 1).all().item<bool>());
  EXPECT_TRUE(ValuesEqual(xg::tensor({{true, false}, {true, true}}).all(1), {0, 1}));
  EXPECT_TRUE(ValuesEqual(xg::tensor({{true, false}, {false, false}}).any(0), {1, 0}));
  const auto m = message_of<xg::DTypeError>([&] { x.masked_fill(xg::tensor({1, 0, 1}), 0.0); });
  EXPECT_TRUE(Contains(m, "mask != 0"));
}

TEST(Comparison, IntegerArithmetic) {
  auto i = xg::tensor({1, 2, 3});
  EXPECT_EQ((i + i).dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(i * 2 + 1, {3, 5, 7}));
  EXPECT_TRUE(ValuesEqual(i - i, {0, 0, 0}));
  EXPECT_TRUE(ValuesEqual(-i, {-1, -2, -3}));
  EXPECT_EQ((i / 2).dtype(), xg::kFloat32);  // true division, as libtorch
  EXPECT_TRUE(ValuesEqual(i / 2, {0.5, 1, 1.5}));
  EXPECT_EQ((i * 0.5).dtype(), xg::kFloat32);
  EXPECT_EQ(i.sum().item<int64_t>(), 6);
  EXPECT_EQ(i.max().item<int64_t>(), 3);
  EXPECT_EQ(i.min().item<int64_t>(), 1);
  EXPECT_TRUE(ValuesEqual(xg::tensor({{1, 2}, {3, 4}}).sum(1), {3, 7}));
  EXPECT_TRUE(ValuesEqual(xg::tensor({{1, 2}, {3, 4}}).sum(0, true), {4, 6}));
  // An int64 or bool operand meets a floating one in the floating dtype.
  const auto f = xg::tensor({0.5, 0.5, 0.5});
  EXPECT_EQ((i * f).dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual((f > 0.1) * f, {0.5, 0.5, 0.5}));
  const auto msg = message_of<xg::DTypeError>([] { xg::tensor({1, 2}).mean(); });
  EXPECT_TRUE(Contains(msg, "to(xgrad::kFloat32)"));
}

TEST(Comparison, SubtractionWithABoolTensorIsRefusedAsInLibtorch) {
  const auto mask = xg::tensor({true, false});
  const auto i = xg::tensor({1, 2});
  const auto f = xg::tensor({0.5, 1.5});
  const std::string invert = "If you are trying to invert a mask, use the `~` or `logical_not()`";
  const std::vector<std::pair<const char*, std::function<void()>>> refused = {
      {"mask - int64", [&] { (void)(mask - i); }},
      {"int64 - mask", [&] { (void)(i - mask); }},
      {"mask - float", [&] { (void)(mask - f); }},
      {"float - mask", [&] { (void)(f - mask); }},
      {"mask - 1", [&] { (void)(mask - 1); }},
      {"1 - mask", [&] { (void)(1 - mask); }},
      {"mask - 0.5", [&] { (void)(mask - 0.5); }},
      {"sub()", [&] { (void)xg::sub(i, mask); }},
      {"Tensor::sub with alpha", [&] { (void)f.sub(mask, 2.0); }},
      {"sub_", [&] { f.clone().sub_(mask); }},
      {"-=",
       [&] {
         auto c = f.clone();
         c -= mask;
       }},
      {"mask -= 1",
       [&] {
         auto m = mask.clone();
         m -= 1;
       }},
  };
  for (const auto& [label, f_] : refused) {
    const auto m = message_of<xg::DTypeError>(f_);
    EXPECT_TRUE(Contains(m, "subtraction, the `-` operator, with a bool tensor is not supported"))
        << label;
    EXPECT_TRUE(Contains(m, invert)) << label;
  }
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { (void)(mask - mask); }),
                       "sub: subtraction, the `-` operator, with two bool tensors"));
  const auto neg = message_of<xg::DTypeError>([&] { (void)(-mask); });
  EXPECT_TRUE(Contains(neg, "neg: negation, the `-` operator, on a bool tensor is not supported"));
  EXPECT_TRUE(Contains(neg, invert));
  // What the messages suggest works, and the other operators keep taking bools.
  EXPECT_TRUE(ValuesEqual(~mask, {0, 1}));
  EXPECT_TRUE(ValuesEqual(mask.to(xg::kInt64) - i, {0, -2}));
  EXPECT_TRUE(ValuesEqual(mask + i, {2, 2}));
  EXPECT_TRUE(ValuesEqual(mask * f, {0.5, 0}));
}

TEST(Comparison, ScalarCompoundAssignment) {
  auto x = xg::ones({2});
  x += 1;
  x *= 0.5;
  x -= 2;
  x /= 2;
  EXPECT_TRUE(ValuesEqual(x, {-0.5, -0.5}));
  auto i = xg::tensor({1, 2});
  i += 1;
  i *= 3;
  EXPECT_EQ(i.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(i, {6, 9}));
  EXPECT_THROW(i *= 0.5, xg::DTypeError);  // as libtorch: a float result cannot go into int64
}

TEST(Comparison, Float32WithFloat64SaysWhatToWrite) {
  const auto a = xg::ones({2});
  const auto b = xg::ones({2}, xg::kFloat64);
  const auto m = message_of<xg::DTypeError>([&] { (void)(a == b); });
  EXPECT_TRUE(Contains(m, ".to(xgrad::kFloat64)"));
}

TEST(Comparison, BoolDTypeEverywhere) {
  const auto mask = xg::tensor({1.0, 0.0}) > 0.5;
  EXPECT_EQ(xg::dtype_size(xg::kBool), 1u);
  EXPECT_EQ(mask.to(xg::kFloat32).sum().item<float>(), 1.0f);
  EXPECT_EQ(mask.to(xg::kInt64).dtype(), xg::kInt64);
  EXPECT_TRUE(mask.data_ptr<bool>()[0]);
  // Ops that do not take bool say so instead of reading the bytes as another type.
  EXPECT_THROW(xg::exp(mask), xg::DTypeError);
  EXPECT_THROW(mask.requires_grad_(), xg::DTypeError);
  EXPECT_THROW(mask.sort(), xg::DTypeError);
  EXPECT_EQ(xg::to_string(mask), "tensor([1, 0], dtype=bool)");
}

TEST(Comparison, BoolRoundTripsThroughSafetensors) {
  const std::string path = ::testing::TempDir() + "/bool_mask.safetensors";
  const auto mask = xg::tensor({1.0, -1.0, 2.0}) > 0;
  xg::save_tensors({{"mask", mask}}, path);
  const auto back = xg::load_tensors(path).at("mask");
  EXPECT_EQ(back.dtype(), xg::kBool);
  EXPECT_TRUE(ValuesEqual(back, {1, 0, 1}));
}

// libtorch promotes an integer tensor beside a floating scalar to float32 in where(); a scalar
// that is a value of the tensor's dtype keeps it.
TEST(Comparison, WhereWithAScalarPromotesInsteadOfTruncating) {
  const auto mask = xg::tensor({1.0, 0.0, 1.0}) > 0.5;
  const auto ints = xg::tensor({1, 2, 3});
  const auto half = xg::where(mask, ints, 0.5);
  EXPECT_EQ(half.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(half, {1, 0.5, 3}));
  const auto left = xg::where(mask, 0.5, ints);
  EXPECT_EQ(left.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(left, {0.5, 2, 0.5}));
  const auto zero = xg::where(mask, ints, 0);
  EXPECT_EQ(zero.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(zero, {1, 0, 3}));
  const auto bools = xg::where(mask, mask, 2);
  EXPECT_EQ(bools.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(bools, {1, 2, 1}));
  EXPECT_EQ(xg::where(mask, mask, 0).dtype(), xg::kBool);
}

TEST(Comparison, ArgmaxArgminAndMaxByDimOnInt64) {
  const auto x = xg::tensor({{3, 7, 7}, {-2, -9, 5}});
  EXPECT_TRUE(ValuesEqual(x.argmax(1), {1, 2}));
  EXPECT_TRUE(ValuesEqual(x.argmin(1), {0, 1}));
  EXPECT_TRUE(ValuesEqual(xg::argmin(x), {4}));
  EXPECT_EQ(xg::argmax(x).item<int64_t>(), 1);
  auto [values, indices] = x.max(1);
  EXPECT_EQ(values.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(values, {7, 5}));
  EXPECT_TRUE(ValuesEqual(indices, {1, 2}));
  auto [mins, where_min] = x.min(0);
  EXPECT_TRUE(ValuesEqual(mins, {-2, -9, 5}));
  EXPECT_TRUE(ValuesEqual(where_min, {1, 1, 1}));
  // The extreme int64 values order as integers (no float conversion, no negation overflow).
  const auto big = xg::full({3}, 0.0, xg::kInt64);
  int64_t* p = big.data_ptr<int64_t>();
  p[0] = 9007199254740992;  // 2^53: as doubles, p[1] would equal it
  p[1] = 9007199254740993;
  p[2] = std::numeric_limits<int64_t>::min();  // -x overflows
  EXPECT_EQ(big.argmax().item<int64_t>(), 1);
  EXPECT_EQ(big.argmin().item<int64_t>(), 2);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::argmax(x > 0); }), "bool"));
}
