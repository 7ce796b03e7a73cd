// Forward values of matmul and mm (all transpose flags) on tiny float32 and float64 inputs.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

class LinalgValues : public ::testing::TestWithParam<xg::DType> {
 protected:
  xg::DType k = GetParam();
  void expect(const xg::Tensor& t, const xg::Shape& shape, const std::vector<double>& values) {
    EXPECT_EQ(t.dtype(), k);
    EXPECT_EQ(t.shape(), shape);
    EXPECT_TRUE(ValuesEqual(t, values));
  }
};

TEST_P(LinalgValues, Matmul2x2) {
  auto a = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, k);
  auto b = xg::tensor({{5.0, 6.0}, {7.0, 8.0}}, k);
  expect(xg::matmul(a, b), {2, 2}, {19, 22, 43, 50});
  expect(a.matmul(b), {2, 2}, {19, 22, 43, 50});
  expect(xg::matmul(b, a), {2, 2}, {23, 34, 31, 46});
}

TEST_P(LinalgValues, MatmulRectangular) {
  auto a = xg::tensor({{1.0, 0.0, -1.0}, {2.0, 1.0, 0.5}}, k);  // [2, 3]
  auto b =
      xg::tensor({{1.0, 2.0, 3.0, 4.0}, {0.0, 1.0, 0.0, 1.0}, {2.0, 2.0, 2.0, 2.0}}, k);  // [3, 4]
  expect(xg::matmul(a, b), {2, 4}, {-1, 0, 1, 2, 3, 6, 7, 10});
}

TEST_P(LinalgValues, RowTimesColumnAndOuter) {
  auto row = xg::tensor({{1.0, 2.0, 3.0}}, k);      // [1, 3]
  auto col = xg::tensor({{4.0}, {5.0}, {6.0}}, k);  // [3, 1]
  expect(xg::matmul(row, col), {1, 1}, {32});
  expect(xg::matmul(col, row), {3, 3}, {4, 8, 12, 5, 10, 15, 6, 12, 18});
}

TEST_P(LinalgValues, IdentityAndZeroInnerDim) {
  auto a = xg::tensor({{1.5, -2.0, 3.0}, {4.0, 0.25, -6.0}}, k);
  expect(xg::matmul(a, xg::eye(3, -1, k)), {2, 3}, {1.5, -2, 3, 4, 0.25, -6});
  expect(xg::matmul(xg::eye(2, -1, k), a), {2, 3}, {1.5, -2, 3, 4, 0.25, -6});
  expect(xg::matmul(xg::zeros({2, 0}, k), xg::zeros({0, 3}, k)), {2, 3}, {0, 0, 0, 0, 0, 0});
}

TEST_P(LinalgValues, MmTransposeFlags) {
  auto a = xg::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, k);  // [3, 2]
  auto b = xg::tensor({{1.0, 0.0, 2.0}, {0.0, 1.0, -1.0}}, k);   // [2, 3]
  // a b = [3, 3]
  expect(xg::mm(a, b, false, false), {3, 3}, {1, 2, 0, 3, 4, 2, 5, 6, 4});
  // a^T b^T = (b a)^T: b a = [[11, 14], [-2, -2]]
  expect(xg::mm(a, b, true, true), {2, 2}, {11, -2, 14, -2});
  // a^T a = [[35, 44], [44, 56]]
  expect(xg::mm(a, a, true, false), {2, 2}, {35, 44, 44, 56});
  // a a^T = [3, 3]
  expect(xg::mm(a, a, false, true), {3, 3}, {5, 11, 17, 11, 25, 39, 17, 39, 61});
  // b^T b^T is [3, 2] x [3, 2]: not allowed; b^T a^T = (a b)^T
  expect(xg::mm(b, a, true, true), {3, 3}, {1, 3, 5, 2, 4, 6, 0, 2, 4});
}

INSTANTIATE_TEST_SUITE_P(Dtypes, LinalgValues, ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

}  // namespace
