// The Tensor methods libtorch users call (issue 13 items 3 and 4): reductions with a bare int
// dim and keepdim, (values, indices) pairs from max/min/topk/sort, and the method forms of
// the free functions; each agrees with its free function.
#include <gtest/gtest.h>

#include <tuple>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {
xg::Tensor m23() {
  return xg::tensor({{1.0, 5.0, 3.0}, {4.0, 2.0, 6.0}}, xg::kFloat64);
}
}  // namespace

TEST(TensorMethods, ReductionsWithIntDim) {
  const auto x = m23();
  EXPECT_TRUE(ValuesEqual(x.sum(1), {9, 12}));
  EXPECT_EQ(x.mean(1, true).sizes(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(xg::sum(x, 1), {9, 12}));
  EXPECT_TRUE(ValuesEqual(xg::mean(x, 0), {2.5, 3.5, 4.5}));
  EXPECT_TRUE(ValuesEqual(x.sum({0, 1}), {21}));
  EXPECT_TRUE(ValuesEqual(x.sum({}), {21}));  // {} is all dims, never dim 0
  EXPECT_TRUE(ValuesEqual(x.var(1), {4, 4}));
  EXPECT_TRUE(ValuesEqual(x.std(1), {2, 2}));
  EXPECT_TRUE(ValuesEqual(xg::std(x, 1, true, true), {2, 2}));
  EXPECT_EQ(x.norm(2, 1).sizes(), (xg::Shape{2}));
  EXPECT_NEAR(x.norm(2, 1).at({0}), std::sqrt(35.0), 1e-12);
  EXPECT_EQ(x.logsumexp(1, true).sizes(), (xg::Shape{2, 1}));
}

TEST(TensorMethods, MaxMinReturnValuesAndIndices) {
  const auto x = m23();
  auto [values, indices] = x.max(1);
  EXPECT_TRUE(ValuesEqual(values, {5, 6}));
  EXPECT_TRUE(ValuesEqual(indices, {1, 2}));
  EXPECT_EQ(indices.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(std::get<1>(xg::min(x, 1)), {0, 1}));
  EXPECT_TRUE(ValuesEqual(std::get<0>(x.min(0, true)), {1, 2, 3}));
  xg::Tensor v, i;
  std::tie(v, i) = x.max(0);
  EXPECT_TRUE(ValuesEqual(i, {1, 0, 1}));
  const xg::Tensor only_values = xg::max(x, 1);  // converts to the values, as before
  EXPECT_TRUE(ValuesEqual(only_values, {5, 6}));
  EXPECT_TRUE(ValuesEqual(x.max(), {6}));
  EXPECT_TRUE(ValuesEqual(x.argmin(1), {0, 1}));
  EXPECT_TRUE(ValuesEqual(x.argmax(), {5}));
}

TEST(TensorMethods, TopkAndSort) {
  const auto x = m23();
  auto [top, where] = x.topk(2, 1);
  EXPECT_TRUE(ValuesEqual(top, {5, 3, 6, 4}));
  EXPECT_TRUE(ValuesEqual(where, {1, 2, 2, 0}));
  auto [low, low_i] = x.topk(1, 1, /*largest=*/false);
  EXPECT_TRUE(ValuesEqual(low, {1, 2}));
  auto [sorted, order] = x.sort(1);
  EXPECT_TRUE(ValuesEqual(sorted, {1, 3, 5, 2, 4, 6}));
  EXPECT_TRUE(ValuesEqual(order, {0, 2, 1, 1, 0, 2}));
  auto [desc, desc_i] = xg::sort(x, 0, true);
  EXPECT_TRUE(ValuesEqual(desc, {4, 5, 6, 1, 2, 3}));
  EXPECT_THROW(x.topk(4, 1), xg::ValueError);
}

TEST(TensorMethods, MethodFormsOfFreeFunctions) {
  xg::manual_seed(5);
  const auto x = xg::randn({2, 3}, xg::kFloat64);
  const auto p = xg::rand({2, 3}, xg::kFloat64) + 0.5;
  EXPECT_TRUE(xg::equal(x.abs(), xg::abs(x)));
  EXPECT_TRUE(xg::equal(p.sqrt(), xg::sqrt(p)));
  EXPECT_TRUE(xg::equal(x.exp(), xg::exp(x)));
  EXPECT_TRUE(xg::equal(p.log(), xg::log(p)));
  EXPECT_TRUE(xg::equal(x.pow(2), xg::pow(x, 2.0)));
  EXPECT_TRUE(xg::equal(x.sigmoid(), xg::sigmoid(x)));
  EXPECT_TRUE(xg::equal(x.tanh(), xg::tanh(x)));
  EXPECT_TRUE(xg::equal(x.relu(), xg::relu(x)));
  EXPECT_TRUE(xg::equal(x.softmax(1), xg::softmax(x, 1)));
  EXPECT_TRUE(xg::equal(x.log_softmax(1), xg::log_softmax(x, 1)));
  EXPECT_TRUE(xg::equal(x.clamp(-0.5, 0.5), xg::clamp(x, -0.5, 0.5)));
  EXPECT_TRUE(xg::equal(x.view({3, 2}), xg::reshape(x, {3, 2})));
  EXPECT_EQ(x.view(-1).sizes(), (xg::Shape{6}));
  EXPECT_EQ(x.unsqueeze(0).sizes(), (xg::Shape{1, 2, 3}));
  EXPECT_EQ(x.unsqueeze(0).squeeze().sizes(), (xg::Shape{2, 3}));
  EXPECT_EQ(x.unsqueeze(1).squeeze(1).sizes(), (xg::Shape{2, 3}));
  EXPECT_TRUE(xg::equal(x.permute({1, 0}), x.t()));
  EXPECT_TRUE(xg::equal(x.transpose(0, 1), x.t()));
  EXPECT_EQ(x.unsqueeze(0).flatten().sizes(), (xg::Shape{6}));
  EXPECT_EQ(x.select(0, 1).expand({4, 3}).sizes(), (xg::Shape{4, 3}));
  EXPECT_EQ(x.select(0, 1).expand_as(x).sizes(), (xg::Shape{2, 3}));
  EXPECT_TRUE(xg::equal(x.norm(), xg::norm(x)));
  EXPECT_TRUE(xg::equal(x.mm(x.t()), xg::matmul(x, x.t())));
  EXPECT_TRUE(xg::equal(x.matmul(x.t()), xg::matmul(x, x.t())));
  EXPECT_TRUE(xg::equal(x.add(x, 2.0), x + 2.0 * x));
  EXPECT_TRUE(xg::equal(x.mul(3.0), x * 3.0));
  EXPECT_TRUE(xg::equal(x.type_as(xg::ones({1})), x.to(xg::kFloat32)));
  EXPECT_TRUE(x.is_floating_point());
  EXPECT_TRUE(x.contiguous().is_same(x));
}
