// Forward values of sum, mean and sum_to on tiny float32 and float64 inputs.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

class ReduceValues : public ::testing::TestWithParam<xg::DType> {
 protected:
  xg::DType k = GetParam();
  xg::Tensor x = xg::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, GetParam());  // [2, 3]
  void expect(const xg::Tensor& t, const xg::Shape& shape, const std::vector<double>& values) {
    EXPECT_EQ(t.dtype(), k);
    EXPECT_EQ(t.shape(), shape);
    EXPECT_TRUE(ValuesEqual(t, values));
  }
};

TEST_P(ReduceValues, SumAll) {
  expect(xg::sum(x), {}, {21});
  expect(x.sum(), {}, {21});
  expect(x.sum({}, true), {1, 1}, {21});
  expect(x.sum({0, 1}), {}, {21});
  expect(x.sum({1, 0}, true), {1, 1}, {21});
}

TEST_P(ReduceValues, SumDims) {
  expect(x.sum({0}), {3}, {5, 7, 9});
  expect(x.sum({0}, true), {1, 3}, {5, 7, 9});
  expect(x.sum({1}), {2}, {6, 15});
  expect(x.sum({1}, true), {2, 1}, {6, 15});
  expect(x.sum({-1}), {2}, {6, 15});
  expect(x.sum({-2}, true), {1, 3}, {5, 7, 9});
}

TEST_P(ReduceValues, Sum3D) {
  auto t = xg::arange(24, k).reshape({2, 3, 4});
  // t[i, j, l] = 12 i + 4 j + l
  expect(t.sum({1}), {2, 4}, {12, 15, 18, 21, 48, 51, 54, 57});
  expect(t.sum({0, 2}), {3}, {60, 92, 124});
  expect(t.sum({0, 2}, true), {1, 3, 1}, {60, 92, 124});
  expect(t.sum({-1}), {2, 3}, {6, 22, 38, 54, 70, 86});
  expect(t.sum(), {}, {276});
}

TEST_P(ReduceValues, MeanAllAndDims) {
  expect(xg::mean(x), {}, {3.5});
  expect(x.mean({}, true), {1, 1}, {3.5});
  expect(x.mean({0}), {3}, {2.5, 3.5, 4.5});
  expect(x.mean({1}), {2}, {2, 5});
  expect(x.mean({-1}, true), {2, 1}, {2, 5});
  expect(x.mean({0, 1}), {}, {3.5});
}

TEST_P(ReduceValues, SumOfOneDimAndZeroDim) {
  expect(xg::tensor({1.5, 2.5, -1.0}, k).sum(), {}, {3});
  expect(xg::tensor({1.5, 2.5, -1.0}, k).sum({0}, true), {1}, {3});
  expect(xg::full({}, 7.0, k).sum(), {}, {7});
  expect(xg::full({}, 7.0, k).mean(), {}, {7});
}

TEST_P(ReduceValues, SumTo) {
  expect(xg::sum_to(x, {3}), {3}, {5, 7, 9});
  expect(xg::sum_to(x, {1, 3}), {1, 3}, {5, 7, 9});
  expect(xg::sum_to(x, {2, 1}), {2, 1}, {6, 15});
  expect(xg::sum_to(x, {}), {}, {21});
  expect(xg::sum_to(x, {1}), {1}, {21});
  expect(xg::sum_to(x, {1, 1}), {1, 1}, {21});
  EXPECT_TRUE(xg::sum_to(x, {2, 3}).is_same(x));  // nothing to sum: the tensor itself
}

TEST_P(ReduceValues, LargeSumIsAccurate) {
  auto ones = xg::ones({1000, 3}, k);
  expect(ones.sum(), {}, {3000});
  expect(ones.sum({0}), {3}, {1000, 1000, 1000});
  expect(ones.mean({1}).sum(), {}, {1000});
}

INSTANTIATE_TEST_SUITE_P(Dtypes, ReduceValues, ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

TEST(ReduceValuesEdge, MeanOverEmptyIsNan) {
  auto e = xg::zeros({0, 3}, xg::kFloat64);
  EXPECT_EQ(e.sum().item(), 0.0);
  EXPECT_TRUE(std::isnan(e.mean().item()));
}

// Regression (fixed): dimension 0 (or -1) of a 0-d tensor is accepted by normalize_dim (as in
// PyTorch, where torch.tensor(7.).sum(0) == 7), but the reduction then fails inside xtensor.
TEST(ReduceValuesEdge, SumOverDimZeroOfZeroDimTensor) {
  auto s = xg::full({}, 7.0, xg::kFloat64);
  xg::Tensor r;
  ASSERT_NO_THROW(r = xg::sum(s, {0}));
  EXPECT_EQ(r.shape(), xg::Shape{});
  EXPECT_EQ(r.item(), 7.0);
  ASSERT_NO_THROW(r = xg::sum(s, {-1}, true));
  EXPECT_EQ(r.item(), 7.0);
  ASSERT_NO_THROW(r = xg::mean(s, {0}));
  EXPECT_EQ(r.item(), 7.0);
}

}  // namespace
