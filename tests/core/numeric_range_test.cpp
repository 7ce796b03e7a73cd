// Float-to-integer conversions of values int64 cannot hold (NaN, infinities, 1e30) are
// undefined behaviour in C++ (x86 gives INT64_MIN); xgrad makes them a ValueError.
#include <cmath>
#include <limits>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

TEST(NumericRange, ToInt64OfNanInfOrHugeValuesIsAValueError) {
  const double nan = std::nan(""), inf = HUGE_VAL;
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xg::tensor({1.0, nan}).to(xg::kInt64);
                       }),
                       "it is NaN"));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { xg::tensor({inf}, xg::kFloat64).to(xg::kInt64); }),
               "it is infinite"));
  const auto message = message_of<xg::ValueError>([] { xg::tensor({1e30}).to(xg::kInt64); });
  EXPECT_TRUE(Contains(message, "to:")) << message;
  EXPECT_TRUE(Contains(message, "out of range")) << message;
  EXPECT_THROW(xg::tensor({9.3e18}, xg::kFloat64).to(xg::kInt64), xg::ValueError);
  EXPECT_THROW(xg::tensor({-9.3e18}, xg::kFloat64).to(xg::kInt64), xg::ValueError);
}

TEST(NumericRange, ToInt64OfValuesInRangeTruncatesTowardZero) {
  auto t = xg::tensor({-2.7, 2.7, -9.2e18, 9.2e18}, xg::kFloat64).to(xg::kInt64);
  EXPECT_EQ(t.data_ptr<int64_t>()[0], -2);
  EXPECT_EQ(t.data_ptr<int64_t>()[1], 2);
  EXPECT_EQ(t.data_ptr<int64_t>()[2], -9200000000000000000LL);
  EXPECT_EQ(t.data_ptr<int64_t>()[3], 9200000000000000000LL);
  // The smallest int64 is exactly -2^63, which a double holds.
  auto lo = xg::tensor({-9223372036854775808.0}, xg::kFloat64).to(xg::kInt64);
  EXPECT_EQ(lo.data_ptr<int64_t>()[0], std::numeric_limits<int64_t>::min());
}

TEST(NumericRange, Int64TensorsFromOutOfRangeDoublesAreAValueError) {
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([] { xg::tensor({1e30}, xg::kInt64); }), "tensor:"));
  EXPECT_THROW(xg::tensor(std::vector<double>{std::nan("")}, {1}, xg::kInt64), xg::ValueError);
  EXPECT_THROW(xg::full({2}, 1e19, xg::kInt64), xg::ValueError);
  EXPECT_EQ(xg::tensor({3.0, -4.0}, xg::kInt64).data_ptr<int64_t>()[1], -4);
}

}  // namespace
