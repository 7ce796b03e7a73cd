// Float64 gradcheck of reshape (incl. -1), transpose (2-D, 3-D, 4-D), t() and expand.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;

namespace {

struct ReshapeCase {
  xg::Shape from, to;
};
void PrintTo(const ReshapeCase& c, std::ostream* os) {
  *os << xg::shape_str(c.from) << " -> " << xg::shape_str(c.to);
}

class ReshapeGrad : public ::testing::TestWithParam<ReshapeCase> {};

TEST_P(ReshapeGrad, MatchesFiniteDifferences) {
  const auto c = GetParam();
  xg::manual_seed(41);
  auto x = xgtest::randn_leaf(c.from);
  const xg::Shape to = c.to;
  // Multiplying after the reshape makes the gradient reaching it non-uniform.
  auto w = xg::randn({xg::shape_numel(c.from)}, xg::kFloat64);
  EXPECT_TRUE(GradcheckPasses(
      [to, w](const xg::TensorList& in) { return xg::reshape(in[0], to).reshape({-1}) * w; }, {x}));
  EXPECT_TRUE(GradcheckPasses([to](const xg::TensorList& in) { return in[0].reshape(to); }, {x}));
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReshapeGrad,
                         ::testing::Values(ReshapeCase{{2, 6}, {3, -1}}, ReshapeCase{{4, 3}, {12}},
                                           ReshapeCase{{12}, {2, -1, 3}},
                                           ReshapeCase{{2, 3}, {3, 2}}, ReshapeCase{{2, 3}, {6, 1}},
                                           ReshapeCase{{2, 3}, {-1}}, ReshapeCase{{1}, {}},
                                           ReshapeCase{{}, {1, 1}}),
                         [](const auto& info) {
                           return xgtest::shape_tag(info.param.from) + "_to_" +
                                  xgtest::shape_tag(info.param.to) + "_" +
                                  std::to_string(info.index);
                         });

struct TransposeCase {
  xg::Shape shape;
  int64_t d0, d1;
};
void PrintTo(const TransposeCase& c, std::ostream* os) {
  *os << xg::shape_str(c.shape) << " dims " << c.d0 << "," << c.d1;
}

class TransposeGrad : public ::testing::TestWithParam<TransposeCase> {};

TEST_P(TransposeGrad, MatchesFiniteDifferences) {
  const auto c = GetParam();
  xg::manual_seed(42);
  auto x = xgtest::randn_leaf(c.shape);
  const int64_t d0 = c.d0, d1 = c.d1;
  EXPECT_TRUE(GradcheckPasses(
      [d0, d1](const xg::TensorList& in) { return xg::transpose(in[0], d0, d1); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([d0, d1](const xg::TensorList& in) { return in[0].transpose(d0, d1); }, {x}));
}

INSTANTIATE_TEST_SUITE_P(
    Dims, TransposeGrad,
    ::testing::Values(TransposeCase{{3, 4}, 0, 1}, TransposeCase{{3, 4}, 1, 0},
                      TransposeCase{{3, 4}, -1, -2}, TransposeCase{{1, 4}, 0, 1},
                      TransposeCase{{2, 3, 4}, 0, 2}, TransposeCase{{2, 3, 4}, 1, 2},
                      TransposeCase{{2, 3, 4}, 0, 1}, TransposeCase{{2, 3, 4}, -1, 0},
                      TransposeCase{{2, 3, 4, 2}, 1, 3}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(ShapeGrad, TMethodOfMatrix) {
  xg::manual_seed(43);
  auto x = xgtest::randn_leaf({2, 5});
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return in[0].t(); }, {x}));
}

struct ExpandCase {
  xg::Shape from, to;
};
void PrintTo(const ExpandCase& c, std::ostream* os) {
  *os << xg::shape_str(c.from) << " -> " << xg::shape_str(c.to);
}

class ExpandGrad : public ::testing::TestWithParam<ExpandCase> {};

TEST_P(ExpandGrad, MatchesFiniteDifferences) {
  const auto c = GetParam();
  xg::manual_seed(44);
  auto x = xgtest::randn_leaf(c.from);
  const xg::Shape to = c.to;
  auto w = xg::randn(to, xg::kFloat64);  // weights make each copy's gradient differ
  EXPECT_TRUE(GradcheckPasses(
      [to, w](const xg::TensorList& in) { return xg::expand(in[0], to) * w; }, {x}));
}

INSTANTIATE_TEST_SUITE_P(Shapes, ExpandGrad,
                         ::testing::Values(ExpandCase{{3, 1}, {3, 4}}, ExpandCase{{4}, {2, 3, 4}},
                                           ExpandCase{{}, {2, 2}}, ExpandCase{{1}, {5}},
                                           ExpandCase{{1, 3}, {2, 1, 3}},
                                           ExpandCase{{2, 1, 3}, {2, 4, 3}}),
                         [](const auto& info) {
                           return xgtest::shape_tag(info.param.from) + "_to_" +
                                  xgtest::shape_tag(info.param.to);
                         });

}  // namespace
