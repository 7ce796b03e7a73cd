// Gradients on small float32/float64 examples worked out by hand in the comments.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

class HandWorkedGrad : public ::testing::TestWithParam<xg::DType> {
 protected:
  xg::DType k = GetParam();
};

TEST_P(HandWorkedGrad, ReluOfAffine) {
  // x = [1, -2, 3], w = [2, 1, 1], b = 0.5 (0-d)
  // z = x*w + b = [2.5, -1.5, 3.5];  relu(z) = [2.5, 0, 3.5];  y = 6
  // dy/dz = [1, 0, 1] (the mask)
  // dy/dx = w * mask = [2, 0, 1];  dy/dw = x * mask = [1, 0, 3];  dy/db = sum(mask) = 2
  auto x = xg::tensor({1.0, -2.0, 3.0}, k).requires_grad_();
  auto w = xg::tensor({2.0, 1.0, 1.0}, k).requires_grad_();
  auto b = xg::full({}, 0.5, k).requires_grad_();
  auto y = xg::relu(x * w + b).sum();
  EXPECT_EQ(y.item(), 6.0);
  y.backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 0, 1}));
  EXPECT_TRUE(ValuesEqual(w.grad(), {1, 0, 3}));
  EXPECT_EQ(b.grad().shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(b.grad(), {2}));
}

TEST_P(HandWorkedGrad, ReluAtZeroHasZeroGradient) {
  auto x = xg::tensor({-1.0, 0.0, 1.0}, k).requires_grad_();
  xg::relu(x).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 0, 1}));
}

TEST_P(HandWorkedGrad, MatmulSum) {
  // a = [[1, 2], [3, 4]], b = [[5, 6], [7, 8]], y = sum(a b)
  // dy/da = 1 b^T: every row is the row sums of b = [11, 15]
  // dy/db = a^T 1: every column is the column sums of a = [4, 6]
  auto a = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, k).requires_grad_();
  auto b = xg::tensor({{5.0, 6.0}, {7.0, 8.0}}, k).requires_grad_();
  auto y = xg::matmul(a, b).sum();
  EXPECT_EQ(y.item(), 134.0);
  y.backward();
  EXPECT_TRUE(ValuesEqual(a.grad(), {11, 15, 11, 15}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {4, 4, 6, 6}));
}

TEST_P(HandWorkedGrad, LinearRegressionMse) {
  // x = [[1], [2]], w = [[3]], t = [[2], [7]]
  // p = x w = [[3], [6]];  e = p - t = [[1], [-1]];  loss = mean(e^2) = 1
  // dloss/de = 2e / 2 = [[1], [-1]];  dloss/dw = x^T (dloss/de) = 1 - 2 = -1
  auto x = xg::tensor({{1.0}, {2.0}}, k);
  auto w = xg::tensor({{3.0}}, k).requires_grad_();
  auto t = xg::tensor({{2.0}, {7.0}}, k);
  auto loss = (xg::matmul(x, w) - t).pow(2.0).mean();
  EXPECT_EQ(loss.item(), 1.0);
  loss.backward();
  EXPECT_TRUE(ValuesEqual(w.grad(), {-1}));
}

TEST_P(HandWorkedGrad, DivAndBroadcast) {
  // a = [[2, 4], [6, 8]] (requires grad), b = [2, 4] broadcast over rows, y = sum(a / b)
  // dy/da = 1/b per row = [0.5, 0.25, 0.5, 0.25]
  // dy/db_j = -sum_i a_ij / b_j^2 = [-(2+6)/4, -(4+8)/16] = [-2, -0.75]
  auto a = xg::tensor({{2.0, 4.0}, {6.0, 8.0}}, k).requires_grad_();
  auto b = xg::tensor({2.0, 4.0}, k).requires_grad_();
  (a / b).sum().backward();
  EXPECT_TRUE(ValuesEqual(a.grad(), {0.5, 0.25, 0.5, 0.25}));
  EXPECT_EQ(b.grad().shape(), (xg::Shape{2}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {-2, -0.75}));
}

TEST_P(HandWorkedGrad, ScalarOperators) {
  // y = sum(3 - 2 / x + x / 4 + x * 5 - 1) at x = [1, 2]
  // dy/dx = 2 / x^2 + 1/4 + 5 = [7.25, 5.75]
  auto x = xg::tensor({1.0, 2.0}, k).requires_grad_();
  (3.0 - 2.0 / x + x / 4.0 + x * 5.0 - 1.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {7.25, 5.75}));
}

TEST_P(HandWorkedGrad, PowAndMean) {
  // y = mean(x^3) over [1, 2, -1, 0]: dy/dx = 3 x^2 / 4 = [0.75, 3, 0.75, 0]
  auto x = xg::tensor({1.0, 2.0, -1.0, 0.0}, k).requires_grad_();
  x.pow(3.0).mean().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0.75, 3, 0.75, 0}));
}

TEST_P(HandWorkedGrad, SumOverDimWithGradOutput) {
  // y = sum(x, dim 1) for x [2, 3]; grad_output [10, 20] is spread back over each row.
  auto x = xg::zeros({2, 3}, k).requires_grad_();
  x.sum({1}).backward(xg::tensor({10.0, 20.0}, k));
  EXPECT_TRUE(ValuesEqual(x.grad(), {10, 10, 10, 20, 20, 20}));
}

TEST_P(HandWorkedGrad, TransposeReshapeExpand) {
  // y = sum(expand(reshape(transpose(x)), ...) * w): each x element reaches y through its
  // transposed position, weighted by w. x = [[1, 2, 3], [4, 5, 6]], x^T flattened = [1, 4, 2, 5, 3,
  // 6] expand [6] -> [2, 6] and w = [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 2]] so dy/dx^T_flat = [1,
  // 0, 0, 0, 0, 2]: x[0,0] gets 1, x[1,2] gets 2.
  auto x = xg::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, k).requires_grad_();
  auto w = xg::tensor({{1.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 0.0, 0.0, 0.0, 0.0, 2.0}}, k);
  auto y = (xg::expand(x.transpose(0, 1).reshape({-1}), {2, 6}) * w).sum();
  EXPECT_EQ(y.item(), 1.0 + 12.0);
  y.backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 0, 0, 0, 0, 2}));
}

TEST_P(HandWorkedGrad, ExpLog) {
  // y = sum(log(exp(x) * 2)) = sum(x + log 2): dy/dx = 1
  auto x = xg::tensor({0.0, 1.0}, k).requires_grad_();
  xg::log(xg::exp(x) * 2.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 1}, k == xg::kFloat32 ? 1e-6 : 1e-15));
}

INSTANTIATE_TEST_SUITE_P(Dtypes, HandWorkedGrad, ::testing::Values(xg::kFloat32, xg::kFloat64),
                         [](const auto& info) { return std::string(xg::dtype_name(info.param)); });

}  // namespace
