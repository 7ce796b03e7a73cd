// NaN in max/min: PyTorch propagates it (max([nan, 1, 2]) is nan, as argmax says 0), in full
// reductions, reductions over a dim, and maximum/minimum; the gradient of a NaN extreme goes
// to the NaN entries of its slice.
#include <cmath>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
const double nan = std::nan("");

TEST(NanPropagation, FullMaxAndMinAreNanWhenAnyEntryIs) {
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    auto x = xg::tensor({nan, 1.0, 2.0}, dtype);
    EXPECT_TRUE(std::isnan(xg::max(x).item()));
    EXPECT_TRUE(std::isnan(xg::min(x).item()));
    EXPECT_EQ(xg::argmax(x).item(), 0);
    auto y = xg::tensor({1.0, 2.0, nan}, dtype);
    EXPECT_TRUE(std::isnan(xg::max(y).item()));
    EXPECT_TRUE(std::isnan(xg::min(y).item()));
  }
  EXPECT_EQ(xg::max(xg::tensor({3.0, 1.0, 2.0})).item(), 3.0);
}

TEST(NanPropagation, MaxOverADimIsNanOnlyInSlicesHoldingNan) {
  auto x = xg::tensor({{1.0, nan, 3.0}, {4.0, 5.0, 6.0}}, xg::kFloat64);
  auto rows = xg::max(x, 1).to_vector();
  EXPECT_TRUE(std::isnan(rows[0]));
  EXPECT_EQ(rows[1], 6.0);
  auto cols = xg::min(x, 0).to_vector();
  EXPECT_EQ(cols[0], 1.0);
  EXPECT_TRUE(std::isnan(cols[1]));
  EXPECT_EQ(cols[2], 3.0);
  auto kept = xg::max(x, 1, /*keepdim=*/true);
  EXPECT_EQ(kept.shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(std::isnan(kept.to_vector()[0]));
}

TEST(NanPropagation, MaximumAndMinimumPropagateNanFromEitherSide) {
  auto a = xg::tensor({nan, 1.0, 5.0});
  auto b = xg::tensor({0.0, nan, 2.0});
  auto hi = xg::maximum(a, b).to_vector(), lo = xg::minimum(a, b).to_vector();
  EXPECT_TRUE(std::isnan(hi[0]) && std::isnan(hi[1]));
  EXPECT_TRUE(std::isnan(lo[0]) && std::isnan(lo[1]));
  EXPECT_EQ(hi[2], 5.0);
  EXPECT_EQ(lo[2], 2.0);
}

TEST(NanPropagation, GradientOfANanMaxGoesToTheNanEntries) {
  // PyTorch (evenly_distribute_backward): the NaN entries of the slice share the gradient.
  auto x = xg::tensor({nan, 1.0, nan, 2.0}, xg::kFloat64).requires_grad_();
  xg::max(x).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0.5, 0, 0.5, 0}));

  auto y = xg::tensor({{1.0, nan}, {3.0, 2.0}}, xg::kFloat64).requires_grad_();
  xg::min(y, 1).sum().backward();
  EXPECT_EQ(y.grad().to_vector(), (std::vector<double>{0, 1, 0, 1}));
}

TEST(NanPropagation, GradientWithoutNanIsUnchanged) {
  auto x = xg::tensor({3.0, 1.0, 3.0}, xg::kFloat64).requires_grad_();
  xg::max(x).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{0.5, 0, 0.5}));
}

}  // namespace
