// Forward values of reshape (incl. -1, shared data), transpose, t() and expand, float32/float64.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

class ShapeValues : public ::testing::TestWithParam<xg::DType> {
 protected:
  xg::DType k = GetParam();
  xg::Tensor x = xg::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, GetParam());  // [2, 3]
  void expect(const xg::Tensor& t, const xg::Shape& shape, const std::vector<double>& values) {
    EXPECT_EQ(t.dtype(), k);
    EXPECT_EQ(t.shape(), shape);
    EXPECT_TRUE(ValuesEqual(t, values));
  }
};

TEST_P(ShapeValues, Reshape) {
  expect(x.reshape({3, 2}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect(x.reshape({6}), {6}, {1, 2, 3, 4, 5, 6});
  expect(x.reshape({-1}), {6}, {1, 2, 3, 4, 5, 6});
  expect(x.reshape({3, -1}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect(x.reshape({-1, 1, 2}), {3, 1, 2}, {1, 2, 3, 4, 5, 6});
  expect(xg::reshape(x, {1, 6}), {1, 6}, {1, 2, 3, 4, 5, 6});
  expect(xg::full({1}, 2.0, k).reshape({}), {}, {2});
}

TEST_P(ShapeValues, ReshapeSharesData) {
  auto r = x.reshape({6});
  r.fill_(9.0);
  EXPECT_TRUE(ValuesEqual(x, {9, 9, 9, 9, 9, 9}));
  EXPECT_EQ(r.version(), x.version());
}

TEST_P(ShapeValues, Transpose2D) {
  expect(x.transpose(0, 1), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect(xg::transpose(x, -1, 0), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect(x.t(), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect(x.t().t(), {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(x.transpose(1, 1).is_same(x));  // swapping a dim with itself: no-op
}

TEST_P(ShapeValues, TransposeIsAView) {
  // Issue 13 item 7: a view as in libtorch (it was a copy before): writing through it changes x.
  auto t = x.transpose(0, 1);
  t.fill_(0.0);
  EXPECT_TRUE(ValuesEqual(x, {0, 0, 0, 0, 0, 0}));
}

TEST_P(ShapeValues, Transpose3D) {
  auto t = xg::arange(24, k).reshape({2, 3, 4});  // t[i, j, l] = 12 i + 4 j + l
  auto u = t.transpose(0, 2);                     // u[l, j, i] = t[i, j, l]
  ASSERT_EQ(u.shape(), (xg::Shape{4, 3, 2}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t l = 0; l < 4; ++l) EXPECT_EQ(u.at({l, j, i}), 12.0 * i + 4 * j + l);
  auto v = t.transpose(1, 2);
  ASSERT_EQ(v.shape(), (xg::Shape{2, 4, 3}));
  EXPECT_EQ(v.at({1, 3, 2}), 12.0 + 8 + 3);
  expect(xg::arange(6, k).reshape({1, 2, 3}).transpose(0, 1), {2, 1, 3}, {0, 1, 2, 3, 4, 5});
}

TEST_P(ShapeValues, TOfLowRankIsIdentity) {
  auto v = xg::tensor({1.0, 2.0}, k);
  EXPECT_TRUE(v.t().is_same(v));
}

TEST_P(ShapeValues, Expand) {
  expect(xg::expand(xg::tensor({{1.0}, {2.0}}, k), {2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  expect(xg::expand(xg::tensor({1.0, 2.0, 3.0}, k), {2, 3}), {2, 3}, {1, 2, 3, 1, 2, 3});
  expect(xg::expand(xg::full({}, 5.0, k), {2, 2}), {2, 2}, {5, 5, 5, 5});
  expect(xg::expand(xg::tensor({{1.0, 2.0}}, k), {2, 1, 2}), {2, 1, 2}, {1, 2, 1, 2});
  EXPECT_TRUE(xg::expand(x, {2, 3}).is_same(x));
}

TEST_P(ShapeValues, ExpandIsAView) {
  // Issue 13 item 7: a view with stride 0 (it was a copy before). Writing into it is refused,
  // as in libtorch (its elements overlap); a write to the source shows through it.
  auto src = xg::tensor({1.0, 2.0}, k);
  auto e = xg::expand(src, {2, 2});
  EXPECT_THROW(e.fill_(0.0), xg::ValueError);
  EXPECT_TRUE(ValuesEqual(src, {1, 2}));
  src.fill_(3.0);
  EXPECT_TRUE(ValuesEqual(e, {3, 3, 3, 3}));
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ShapeValues, ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

}  // namespace
