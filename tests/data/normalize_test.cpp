// Standardizer, MinMaxScaler and scale_to_unit.
#include <gtest/gtest.h>

#include <cmath>
#include <xgrad/data/normalize.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

TEST(Standardizer, FitsPerFeatureMeanAndPopulationStd) {
  // Column 0: 1, 3 -> mean 2, std 1. Column 1: constant 5 -> std taken as 1.
  const auto train = xg::tensor({{1.0, 5.0}, {3.0, 5.0}});
  xd::Standardizer st;
  EXPECT_FALSE(st.fitted());
  const auto z = st.fit_transform(train);
  EXPECT_TRUE(st.fitted());
  EXPECT_EQ(st.mean().to_vector(), (std::vector<double>{2, 5}));
  EXPECT_EQ(st.stddev().to_vector(), (std::vector<double>{1, 1}));
  EXPECT_EQ(z.dtype(), xg::kFloat32);
  EXPECT_EQ(z.to_vector(), (std::vector<double>{-1, 0, 1, 0}));
  // Test data uses the training statistics.
  const auto zt = st.transform(xg::tensor({{4.0, 7.0}}, xg::kFloat64));
  EXPECT_EQ(zt.dtype(), xg::kFloat64);
  EXPECT_EQ(zt.to_vector(), (std::vector<double>{2, 2}));
}

TEST(Standardizer, ResultHasZeroMeanUnitStd) {
  xg::manual_seed(1);
  const auto x = xg::randn({500, 3}, xg::kFloat64) * 4.0 + 1000.0;
  const auto z = xd::Standardizer().fit_transform(x);
  const auto m = z.mean({0}).to_vector();
  const auto v = (z * z).mean({0}).to_vector();
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(m[j], 0.0, 1e-9);
    EXPECT_NEAR(v[j], 1.0, 1e-9);
  }
}

TEST(Standardizer, FeaturesOfHigherRankAndErrors) {
  const auto x = xg::zeros({4, 2, 3});
  xd::Standardizer st;
  st.fit(x);
  EXPECT_EQ(st.mean().shape(), (xg::Shape{2, 3}));
  const auto msg = message_of<xg::ShapeError>([&] { st.transform(xg::zeros({4, 6})); });
  EXPECT_TRUE(Contains(msg, "[2, 3]"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         xd::Standardizer().transform(xg::zeros({1, 2}));
                       }),
                       "fit() first"));
  EXPECT_THROW(xd::Standardizer().fit(xg::zeros({0, 2})), xg::ValueError);
  EXPECT_THROW(xd::Standardizer().fit(xg::zeros({2, 2}, xg::kInt64)), xg::DTypeError);
}

TEST(MinMaxScaler, MapsTrainingRangeToUnit) {
  const auto train = xg::tensor({{0.0, -1.0, 7.0}, {10.0, 1.0, 7.0}, {5.0, 0.0, 7.0}});
  xd::MinMaxScaler mm;
  const auto z = mm.fit_transform(train);
  EXPECT_EQ(z.to_vector(), (std::vector<double>{0, 0, 0, 1, 1, 0, 0.5, 0.5, 0}));
  EXPECT_EQ(mm.transform(xg::tensor({{20.0, 3.0, 8.0}})).to_vector(),
            (std::vector<double>{2, 2, 1}));
  EXPECT_THROW(xd::MinMaxScaler().transform(train), xg::ValueError);
}

TEST(ScaleToUnit, KnownBounds) {
  const auto z = xd::scale_to_unit(xg::tensor({0.0, 51.0, 255.0}), 0, 255);
  EXPECT_FLOAT_EQ(float(z.at({1})), 0.2f);
  EXPECT_EQ(z.at({2}), 1.0);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { xd::scale_to_unit(xg::zeros({1}), 1, 1); }),
                       "lo < hi"));
  EXPECT_THROW(xd::scale_to_unit(xg::zeros({1}, xg::kInt64), 0, 1), xg::DTypeError);
}

}  // namespace
