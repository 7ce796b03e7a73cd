// Float64 gradcheck of sum and mean over all elements and over dims, +/- keepdim, and sum_to.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <tuple>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;

namespace {

struct ReduceCase {
  xg::Shape input;
  xg::Shape dims;
};
void PrintTo(const ReduceCase& c, std::ostream* os) {
  *os << "input " << xg::shape_str(c.input) << " dims " << xg::shape_str(c.dims);
}

const ReduceCase kCases[] = {
    {{3, 4}, {}},         // all elements
    {{3, 4}, {0}},        //
    {{3, 4}, {1}},        //
    {{3, 4}, {-1}},       //
    {{3, 4}, {-2}},       //
    {{3, 4}, {0, 1}},     // all dims listed
    {{3, 4}, {1, 0}},     // listed out of order
    {{2, 3, 4}, {}},      //
    {{2, 3, 4}, {1}},     // a middle dim
    {{2, 3, 4}, {0, 2}},  // two non-adjacent dims
    {{2, 3, 4}, {-1}},    //
    {{5}, {}},            //
    {{5}, {0}},           //
    {{}, {}},             // 0-d
};

class ReduceGrad : public ::testing::TestWithParam<std::tuple<bool, ReduceCase, bool>> {};

TEST_P(ReduceGrad, MatchesFiniteDifferences) {
  const auto& [is_mean, c, keepdim] = GetParam();
  xg::manual_seed(31);
  auto x = xgtest::randn_leaf(c.input);
  const xg::Shape dims = c.dims;
  const bool mean = is_mean, keep = keepdim;
  EXPECT_TRUE(GradcheckPasses(
      [dims, mean, keep](const xg::TensorList& in) {
        return mean ? xg::mean(in[0], dims, keep) : xg::sum(in[0], dims, keep);
      },
      {x}));
}

TEST_P(ReduceGrad, MethodFormMatchesFiniteDifferences) {
  const auto& [is_mean, c, keepdim] = GetParam();
  xg::manual_seed(32);
  auto x = xgtest::randn_leaf(c.input);
  const xg::Shape dims = c.dims;
  const bool mean = is_mean, keep = keepdim;
  EXPECT_TRUE(GradcheckPasses(
      [dims, mean, keep](const xg::TensorList& in) {
        return mean ? in[0].mean(dims, keep) : in[0].sum(dims, keep);
      },
      {x}));
}

INSTANTIATE_TEST_SUITE_P(
    SumAndMean, ReduceGrad,
    ::testing::Combine(::testing::Bool(), ::testing::ValuesIn(kCases), ::testing::Bool()),
    [](const auto& info) {
      const bool is_mean = std::get<0>(info.param);
      const ReduceCase& c = std::get<1>(info.param);
      const bool keepdim = std::get<2>(info.param);
      return std::string(is_mean ? "mean_" : "sum_") + xgtest::shape_tag(c.input) + "_dims_" +
             (c.dims.empty() ? std::string("all") : xgtest::shape_tag(c.dims)) +
             (keepdim ? "_keepdim" : "") + "_" + std::to_string(info.index);
    });

// ---- sum_to: the reverse of broadcasting ------------------------------------------------------

struct SumToCase {
  xg::Shape from, to;
};
void PrintTo(const SumToCase& c, std::ostream* os) {
  *os << xg::shape_str(c.from) << " -> " << xg::shape_str(c.to);
}

class SumToGrad : public ::testing::TestWithParam<SumToCase> {};

TEST_P(SumToGrad, MatchesFiniteDifferences) {
  const auto c = GetParam();
  xg::manual_seed(33);
  auto x = xgtest::randn_leaf(c.from);
  const xg::Shape to = c.to;
  EXPECT_TRUE(
      GradcheckPasses([to](const xg::TensorList& in) { return xg::sum_to(in[0], to); }, {x}));
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, SumToGrad,
    ::testing::Values(SumToCase{{3, 4}, {4}}, SumToCase{{3, 4}, {1, 4}}, SumToCase{{3, 4}, {3, 1}},
                      SumToCase{{3, 4}, {}}, SumToCase{{3, 4}, {1, 1}}, SumToCase{{3, 4}, {1}},
                      SumToCase{{2, 3, 4}, {3, 1}}, SumToCase{{2, 3, 4}, {2, 1, 4}}),
    [](const auto& info) {
      return xgtest::shape_tag(info.param.from) + "_to_" + xgtest::shape_tag(info.param.to);
    });

}  // namespace
