// Shapes that cannot exist: sizes whose product (or a stride) overflows int64, negative sizes,
// extreme slice bounds. Each used to overflow a signed integer (UB) and then crash; each is
// now a ShapeError or ValueError naming the shape.
#include <cstdint>
#include <limits>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(ShapeOverflow, CreationWithAnOverflowingShapeIsAShapeError) {
  const auto message = message_of<xg::ShapeError>([] { xg::zeros({1LL << 32, 1LL << 32}); });
  EXPECT_TRUE(Contains(message, "[4294967296, 4294967296]")) << message;
  EXPECT_TRUE(Contains(message, "more than 2^63 elements")) << message;
  EXPECT_THROW(xg::zeros({1LL << 62, 4, 3}), xg::ShapeError);
  EXPECT_THROW(xg::ones({kMax, 2}), xg::ShapeError);
  EXPECT_THROW(xg::randn({1LL << 40, 1LL << 40}), xg::ShapeError);
  EXPECT_THROW(xg::eye(1LL << 32, 1LL << 32), xg::ShapeError);
  // A zero size does not hide an overflow among the others.
  EXPECT_THROW(xg::zeros({0, 1LL << 62, 1LL << 62}), xg::ShapeError);
}

TEST(ShapeOverflow, ShapeNumelChecksEveryProduct) {
  EXPECT_EQ(xg::shape_numel({}), 1);
  EXPECT_EQ(xg::shape_numel({0, 5}), 0);
  EXPECT_EQ(xg::shape_numel({1LL << 31, 1LL << 31}), 1LL << 62);
  EXPECT_THROW(xg::shape_numel({1LL << 32, 1LL << 32}), xg::ShapeError);
  EXPECT_THROW(xg::shape_numel({3, -1}), xg::ShapeError);
  EXPECT_EQ(xg::checked_mul(1LL << 31, 4, "f"), 1LL << 33);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([] { xg::checked_mul(kMax, 2, "f"); }), "f:"));
  EXPECT_THROW(xg::checked_add(kMax, 1, "f"), xg::ShapeError);
}

TEST(ShapeOverflow, ReshapeToAShapeThatCannotExistIsAShapeError) {
  auto empty = xg::zeros({0});
  EXPECT_THROW(empty.reshape({1LL << 62, 4, 3}), xg::ShapeError);
  EXPECT_THROW(empty.reshape({-1, 1LL << 62, 4}), xg::ShapeError);
  EXPECT_THROW(xg::zeros({2, 3}).reshape({kMax, kMax}), xg::ShapeError);
  EXPECT_THROW(xg::view(xg::zeros({0, 3}), {1LL << 62, 1LL << 62}), xg::ShapeError);
  // Ordinary inference still works.
  EXPECT_EQ(xg::zeros({0, 3}).reshape({-1, 3}).shape(), (xg::Shape{0, 3}));
  EXPECT_EQ(xg::zeros({4, 3}).reshape({2, -1}).shape(), (xg::Shape{2, 6}));
}

TEST(ShapeOverflow, SliceWithExtremeBoundsAndStepsIsDefined) {
  auto x = xg::arange(10.0);
  EXPECT_EQ(xg::slice(x, 0, kMin, kMax).numel(), 10);
  EXPECT_EQ(xg::slice(x, 0, kMax, kMin).numel(), 0);
  EXPECT_EQ(xg::slice(x, 0, 0, kMax, kMax).to_vector(), (std::vector<double>{0}));
  EXPECT_EQ(xg::slice(x, 0, 3, kMax, kMax - 1).to_vector(), (std::vector<double>{3}));
  EXPECT_EQ(xg::slice(x, 0, -3, kMax, 2).to_vector(), (std::vector<double>{7, 9}));
  EXPECT_THROW(xg::slice(x, 0, 0, 10, kMin), xg::ValueError);
  EXPECT_THROW(xg::slice(x, kMin, 0, 10), xg::IndexError);
  EXPECT_THROW(xg::select(x, 0, kMin), xg::IndexError);
  EXPECT_THROW(x[kMax], xg::IndexError);
}

TEST(ShapeOverflow, SplitWithHugeSizesIsDefined) {
  auto x = xg::arange(10.0);
  auto parts = xg::split(x, kMax, 0);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].numel(), 10);
  EXPECT_EQ(xg::split(x, 3, 0).size(), 4u);
  EXPECT_THROW(xg::split_with_sizes(x, {kMax, kMax, 12}, 0), xg::ShapeError);
  EXPECT_THROW(xg::split_with_sizes(x, {kMax, 2}, 0), xg::ShapeError);
}

TEST(ShapeOverflow, ConcatWhoseSizesSumPastInt64IsAShapeError) {
  auto a = xg::zeros({0, 1LL << 62}), b = xg::zeros({0, 1LL << 62});
  EXPECT_THROW(xg::concat({a, b}, 1), xg::ShapeError);
  EXPECT_EQ(xg::concat({a, b}, 0).shape(), (xg::Shape{0, 1LL << 62}));
}

TEST(ShapeOverflow, ExpandKeepsMinusOneAndRefusesOtherNegativeSizes) {
  auto x = xg::ones({1, 3});
  EXPECT_EQ(xg::expand(x, {4, -1}).shape(), (xg::Shape{4, 3}));
  EXPECT_EQ(xg::expand(x, {2, -1, -1}).shape(), (xg::Shape{2, 1, 3}));
  EXPECT_EQ(xg::expand(xg::ones({1, 1}), {-1, -1}).shape(), (xg::Shape{1, 1}));
  const auto message = message_of<xg::ValueError>([] { xg::expand(xg::ones({1, 1}), {-2, -2}); });
  EXPECT_TRUE(Contains(message, "size -2")) << message;
  EXPECT_THROW(xg::expand(xg::ones({1}), {-1, 3}), xg::ValueError);  // -1 for a new dimension
  EXPECT_THROW(xg::expand(xg::ones({1, 1}), {-1}), xg::ShapeError);  // fewer dims than the input
  EXPECT_THROW(xg::expand(xg::ones({1}), {kMin}), xg::ValueError);
  EXPECT_THROW(xg::expand(xg::ones({1, 1}), {1LL << 32, 1LL << 32}), xg::ShapeError);
  EXPECT_THROW(xg::broadcast_to(xg::ones({1, 1}), {-3, 1}), xg::ValueError);
}

TEST(ShapeOverflow, ArangeThatCannotBeHeldSaysWhy) {
  const auto message = message_of<xg::ValueError>([] { xg::arange(0, 1e300); });
  EXPECT_TRUE(Contains(message, "more than any tensor can hold")) << message;
  EXPECT_THROW(xg::arange(0, 1e308, 1e-308), xg::ValueError);  // the count overflows to inf
  EXPECT_EQ(xg::arange(0, -5).numel(), 0);
}

}  // namespace
