// from_xarray / to_xarray: copies keeping the shape; float/double/int64_t <-> float32/64/int64.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

TEST(XArray, DoubleRoundTrip) {
  xt::xarray<double> a{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.5}};
  auto t = xg::from_xarray(a);
  EXPECT_EQ(t.dtype(), xg::kFloat64);
  EXPECT_EQ(t.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(t, {1, 2, 3, 4, 5, 6.5}));
  xt::xarray<double> back = xg::to_xarray<double>(t);
  EXPECT_EQ(back, a);
}

TEST(XArray, FloatAndInt64Dtypes) {
  auto f = xg::from_xarray(xt::xarray<float>{1.5f, 2.5f});
  EXPECT_EQ(f.dtype(), xg::kFloat32);
  auto i = xg::from_xarray(xt::xarray<int64_t>{{1, 2}, {3, 4}});
  EXPECT_EQ(i.dtype(), xg::kInt64);
  EXPECT_EQ(i.shape(), (xg::Shape{2, 2}));
  xt::xarray<int64_t> back = xg::to_xarray<int64_t>(i);
  EXPECT_EQ(back, (xt::xarray<int64_t>{{1, 2}, {3, 4}}));
}

TEST(XArray, FromXarrayCopies) {
  xt::xarray<double> a{1.0, 2.0};
  auto t = xg::from_xarray(a);
  a(0) = 100.0;
  EXPECT_TRUE(ValuesEqual(t, {1, 2}));
  auto back = xg::to_xarray<double>(t);
  back(1) = -1.0;
  EXPECT_TRUE(ValuesEqual(t, {1, 2}));
}

TEST(XArray, ToXarrayConvertsDtype) {
  auto t = xg::tensor({{1.25, 2.5}}, xg::kFloat32);
  xt::xarray<double> d = xg::to_xarray<double>(t);
  EXPECT_EQ(d, (xt::xarray<double>{{1.25, 2.5}}));
  EXPECT_EQ(d.shape().size(), 2u);
}

TEST(XArray, ResultOfOpConverts) {
  auto t = xg::from_xarray(xt::xarray<double>{{1, 2}, {3, 4}});
  auto p = xg::matmul(t, t);
  EXPECT_EQ(xg::to_xarray<double>(p), (xt::xarray<double>{{7, 10}, {15, 22}}));
}

}  // namespace
