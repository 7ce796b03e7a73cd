// Creation (tensor, zeros, ones, full, arange, eye, rand, randn) and manual_seed reproducibility.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

TEST(Creation, NestedBraces3D) {
  auto t = xg::tensor({{{1.0, 2.0}}, {{3.0, 4.0}}, {{5.0, 6.0}}}, xg::kFloat64);
  EXPECT_EQ(t.shape(), (xg::Shape{3, 1, 2}));
  EXPECT_EQ(t.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(t, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(t.at({2, 0, 1}), 6.0);
  EXPECT_EQ(t.size(-1), 2);
  EXPECT_EQ(t.dim(), 3);
}

TEST(Creation, ScalarValueIs0d) {
  auto t = xg::tensor(4.5);
  EXPECT_EQ(t.shape(), xg::Shape{});
  EXPECT_EQ(t.numel(), 1);
  EXPECT_EQ(t.item(), 4.5);
}

TEST(Creation, FlatValuesWithShape) {
  auto t = xg::tensor(std::vector<double>{1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(t.shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(t.at({1, 0}), 4.0);
  EXPECT_THROW(xg::tensor(std::vector<double>{1, 2, 3}, {2, 2}), xg::ShapeError);
}

TEST(Creation, Int64FromBraces) {
  auto t = xg::tensor({0, 2, 1}, xg::kInt64);
  EXPECT_EQ(t.dtype(), xg::kInt64);
  EXPECT_EQ(t.shape(), (xg::Shape{3}));
  EXPECT_TRUE(ValuesEqual(t, {0, 2, 1}));
  const int64_t* p = t.data_ptr<int64_t>();
  EXPECT_EQ(p[0], 0);
  EXPECT_EQ(p[1], 2);
  EXPECT_EQ(p[2], 1);
}

TEST(Creation, Int64LiteralsAreExactOverTheWholeRange) {
  // 2^53 + 1 is the first integer a double cannot hold: it would become 2^53.
  constexpr int64_t big = (int64_t{1} << 53) + 1;
  constexpr int64_t lo = std::numeric_limits<int64_t>::min();
  constexpr int64_t hi = std::numeric_limits<int64_t>::max();
  const auto t = xg::tensor({big, lo, hi, -big, int64_t{0}});
  EXPECT_EQ(t.dtype(), xg::kInt64);
  const int64_t* p = t.data_ptr<int64_t>();
  EXPECT_EQ(p[0], big);
  EXPECT_EQ(p[1], lo);
  EXPECT_EQ(p[2], hi);
  EXPECT_EQ(p[3], -big);
  EXPECT_EQ(p[4], 0);
  EXPECT_EQ(xg::tensor(9007199254740993).item<int64_t>(), 9007199254740993);  // a long literal
  EXPECT_EQ(xg::tensor(9007199254740993LL).item<int64_t>(), 9007199254740993);
  EXPECT_EQ(xg::tensor(9007199254740993ULL).item<int64_t>(), 9007199254740993);
  EXPECT_EQ(xg::tensor({{hi}, {lo}}).data_ptr<int64_t>()[1], lo);  // nested
  // With an int64 dtype asked for, the integers stay exact next to a floating value.
  EXPECT_EQ(xg::tensor({big, 2.0}, xg::kInt64).data_ptr<int64_t>()[0], big);
  EXPECT_EQ(xg::tensor({big, 2.0}).dtype(), xg::kFloat32);  // mixed: float32, as before
  // Into float, one correctly rounded conversion: 2^53 + 1 rounds to even, 2^53.
  EXPECT_EQ(xg::tensor({big}, xg::kFloat64).data_ptr<double>()[0], 9007199254740992.0);
  EXPECT_EQ(xg::tensor({hi}, xg::kFloat32).data_ptr<float>()[0], 9223372036854775808.0f);
  // An unsigned value above INT64_MAX fits no int64.
  EXPECT_THROW(xg::tensor({uint64_t{1} << 63}), xg::ValueError);
  EXPECT_EQ(xg::tensor({uint64_t{1} << 63}, xg::kFloat64).item(), 9223372036854775808.0);
}

TEST(Creation, Int64FromIntegerVector) {
  auto t = xg::tensor(std::vector<int64_t>{5, -1, 3, 4}, {2, 2});
  EXPECT_EQ(t.dtype(), xg::kInt64);
  EXPECT_EQ(t.at({1, 1}), 4.0);
}

TEST(Creation, Int64CannotRequireGrad) {
  auto t = xg::tensor({0, 1}, xg::kInt64);
  EXPECT_THROW(t.requires_grad_(), xg::DTypeError);
}

TEST(Creation, ZerosOnesFull) {
  auto z = xg::zeros({2, 3});
  EXPECT_EQ(z.shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(z.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(z, std::vector<double>(6, 0.0)));
  auto o = xg::ones({4}, xg::kFloat64);
  EXPECT_EQ(o.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(o, {1, 1, 1, 1}));
  auto f = xg::full({2, 2}, -3.5, xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(f, {-3.5, -3.5, -3.5, -3.5}));
  auto i = xg::full({3}, 7, xg::kInt64);
  EXPECT_EQ(i.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(i, {7, 7, 7}));
  auto s = xg::zeros({});
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item(), 0.0);
  EXPECT_FALSE(z.requires_grad());
}

TEST(Creation, EmptyShapeDimension) {
  auto t = xg::zeros({2, 0});
  EXPECT_EQ(t.numel(), 0);
  EXPECT_TRUE(t.to_vector().empty());
}

TEST(Creation, NegativeSizeIsValueError) {
  EXPECT_THROW(xg::zeros({2, -1}), xg::ValueError);
  EXPECT_THROW(xg::randn({-3}), xg::ValueError);
}

TEST(Creation, Likes) {
  auto t = xg::tensor({{1.0, 2.0, 3.0}}, xg::kFloat64);
  auto z = xg::zeros_like(t);
  auto o = xg::ones_like(t);
  EXPECT_EQ(z.shape(), t.shape());
  EXPECT_EQ(o.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(z, {0, 0, 0}));
  EXPECT_TRUE(ValuesEqual(o, {1, 1, 1}));
}

TEST(Creation, Arange) {
  EXPECT_TRUE(ValuesEqual(xg::arange(5), {0, 1, 2, 3, 4}));
  EXPECT_EQ(xg::arange(5).dtype(), xg::kInt64);  // integer arguments: int64, as libtorch
  EXPECT_EQ(xg::arange(5.0).dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(xg::arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75}));
  EXPECT_TRUE(ValuesEqual(xg::arange(3, 0, -1), {3, 2, 1}));
  auto i = xg::arange(4, xg::kInt64);
  EXPECT_EQ(i.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(i, {0, 1, 2, 3}));
  EXPECT_EQ(xg::arange(2, 2).numel(), 0);
  EXPECT_THROW(xg::arange(0, 1, 0), xg::ValueError);
}

TEST(Creation, Eye) {
  auto e = xg::eye(3);
  EXPECT_EQ(e.shape(), (xg::Shape{3, 3}));
  EXPECT_TRUE(ValuesEqual(e, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  auto r = xg::eye(2, 3, xg::kFloat64);
  EXPECT_EQ(r.shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(r.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(r, {1, 0, 0, 0, 1, 0}));
  EXPECT_TRUE(ValuesEqual(xg::eye(3, 2), {1, 0, 0, 1, 0, 0}));
}

TEST(Creation, RandIsInUnitInterval) {
  xg::manual_seed(0);
  auto r = xg::rand({1000}, xg::kFloat64);
  EXPECT_EQ(r.shape(), (xg::Shape{1000}));
  EXPECT_EQ(r.dtype(), xg::kFloat64);
  double sum = 0;
  for (double v : r.to_vector()) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
    sum += v;
  }
  EXPECT_NEAR(sum / 1000, 0.5, 0.05);
  EXPECT_EQ(xg::rand({2, 2}).dtype(), xg::kFloat32);
}

TEST(Creation, RandnMoments) {
  xg::manual_seed(1);
  auto r = xg::randn({20000}, xg::kFloat64);
  double sum = 0, sq = 0;
  for (double v : r.to_vector()) {
    sum += v;
    sq += v * v;
  }
  const double mean = sum / 20000, var = sq / 20000 - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.05);
  EXPECT_NEAR(var, 1.0, 0.05);
}

TEST(Creation, RandomIntegerDtypeIsDTypeError) {
  EXPECT_THROW(xg::rand({2}, xg::kInt64), xg::DTypeError);
  EXPECT_THROW(xg::randn({2}, xg::kInt64), xg::DTypeError);
}

TEST(Creation, ManualSeedReproduces) {
  xg::manual_seed(123);
  auto a = xg::randn({3, 4});
  auto b = xg::rand({5}, xg::kFloat64);
  xg::manual_seed(123);
  auto a2 = xg::randn({3, 4});
  auto b2 = xg::rand({5}, xg::kFloat64);
  EXPECT_EQ(a.to_vector(), a2.to_vector());
  EXPECT_EQ(b.to_vector(), b2.to_vector());
  xg::manual_seed(124);
  EXPECT_NE(xg::randn({3, 4}).to_vector(), a.to_vector());
}

TEST(Creation, SuccessiveDrawsDiffer) {
  xg::manual_seed(5);
  auto a = xg::randn({8});
  auto b = xg::randn({8});
  EXPECT_NE(a.to_vector(), b.to_vector());
}

}  // namespace
