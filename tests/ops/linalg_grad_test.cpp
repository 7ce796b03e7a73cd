// Float64 gradcheck of 2-D matmul over several shapes and of mm with all four transpose flags.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;

namespace {

struct MatmulShapes {
  int64_t m, k, n;
};
void PrintTo(const MatmulShapes& s, std::ostream* os) {
  *os << "[" << s.m << ", " << s.k << "] x [" << s.k << ", " << s.n << "]";
}

const MatmulShapes kShapes[] = {
    {2, 3, 4},  // general
    {1, 5, 3},  // row vector on the left: [1, k]
    {4, 5, 1},  // column vector on the right: [k, 1]
    {1, 3, 1},  // dot product as [1, k] x [k, 1]
    {3, 1, 4},  // outer product, k = 1
    {5, 5, 5},  // square
    {1, 1, 1},  // all ones
};

std::string tag(const MatmulShapes& s) {
  return std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n);
}

class MatmulGrad : public ::testing::TestWithParam<MatmulShapes> {};

TEST_P(MatmulGrad, MatchesFiniteDifferences) {
  const auto s = GetParam();
  xg::manual_seed(11);
  auto a = xgtest::randn_leaf({s.m, s.k});
  auto b = xgtest::randn_leaf({s.k, s.n});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, b}));
}

TEST_P(MatmulGrad, MethodFormMatchesFiniteDifferences) {
  const auto s = GetParam();
  xg::manual_seed(12);
  auto a = xgtest::randn_leaf({s.m, s.k});
  auto b = xgtest::randn_leaf({s.k, s.n});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return in[0].matmul(in[1]); }, {a, b}));
}

TEST_P(MatmulGrad, OneSideRequiresGrad) {
  const auto s = GetParam();
  xg::manual_seed(13);
  auto a = xgtest::randn_leaf({s.m, s.k});
  auto b = xg::randn({s.k, s.n}, xg::kFloat64);
  auto fn = [](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); };
  EXPECT_TRUE(GradcheckPasses(fn, {a, b}));
  auto c = xg::randn({s.m, s.k}, xg::kFloat64);
  auto d = xgtest::randn_leaf({s.k, s.n});
  EXPECT_TRUE(GradcheckPasses(fn, {c, d}));
}

INSTANTIATE_TEST_SUITE_P(Shapes, MatmulGrad, ::testing::ValuesIn(kShapes),
                         [](const auto& info) { return tag(info.param); });

// ---- mm with transpose flags: op(a) is [m, k], op(b) is [k, n] --------------------------------

class MmGrad : public ::testing::TestWithParam<std::tuple<bool, bool, MatmulShapes>> {};

TEST_P(MmGrad, MatchesFiniteDifferences) {
  const auto& [ta, tb, s] = GetParam();
  xg::manual_seed(21);
  auto a = xgtest::randn_leaf(ta ? xg::Shape{s.k, s.m} : xg::Shape{s.m, s.k});
  auto b = xgtest::randn_leaf(tb ? xg::Shape{s.n, s.k} : xg::Shape{s.k, s.n});
  const bool fa = ta, fb = tb;
  EXPECT_TRUE(GradcheckPasses(
      [fa, fb](const xg::TensorList& in) { return xg::mm(in[0], in[1], fa, fb); }, {a, b}));
}

TEST_P(MmGrad, EqualsMatmulOfExplicitTransposes) {
  const auto& [ta, tb, s] = GetParam();
  xg::manual_seed(22);
  auto a = xg::randn(ta ? xg::Shape{s.k, s.m} : xg::Shape{s.m, s.k}, xg::kFloat64);
  auto b = xg::randn(tb ? xg::Shape{s.n, s.k} : xg::Shape{s.k, s.n}, xg::kFloat64);
  auto expected = xg::matmul(ta ? a.t() : a, tb ? b.t() : b);
  auto got = xg::mm(a, b, ta, tb);
  ASSERT_EQ(got.shape(), (xg::Shape{s.m, s.n}));
  EXPECT_TRUE(xgtest::ValuesEqual(got, expected.to_vector(), 1e-12));
}

INSTANTIATE_TEST_SUITE_P(AllFlags, MmGrad,
                         ::testing::Combine(::testing::Bool(), ::testing::Bool(),
                                            ::testing::Values(MatmulShapes{2, 3, 4},
                                                              MatmulShapes{1, 4, 1},
                                                              MatmulShapes{3, 1, 2})),
                         [](const auto& info) {
                           const bool ta = std::get<0>(info.param);
                           const bool tb = std::get<1>(info.param);
                           return std::string(ta ? "aT" : "a") + "_" + (tb ? "bT" : "b") + "_" +
                                  tag(std::get<2>(info.param));
                         });

// A chain of products exercises backward through mm nodes feeding mm nodes.
TEST(LinalgGrad, ChainOfProducts) {
  xg::manual_seed(23);
  auto a = xgtest::randn_leaf({2, 3});
  auto b = xgtest::randn_leaf({3, 4});
  auto c = xgtest::randn_leaf({2, 4});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return xg::mm(xg::matmul(in[0], in[1]), in[2], true, false);  // (a b)^T c: [4, 4]
      },
      {a, b, c}));
}

}  // namespace
