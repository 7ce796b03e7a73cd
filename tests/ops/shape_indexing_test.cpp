// Indexing ops: slice, select and Tensor::operator[], index_select, gather. For each: values on
// small cases, gradcheck and gradgradcheck (float64) incl. edge shapes and repeated indices
// (their gradients are differentiable scatter-adds), the registry entry, and one test per
// bad-input path (exception type and the op name in the message).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::GradcheckPasses;
using xgtest::message_of;
using xgtest::randn_leaf;
using xgtest::ValuesEqual;

namespace {

::testing::AssertionResult GradgradcheckPasses(const xg::GradcheckFn& fn,
                                               const xg::TensorList& inputs) {
  const auto r = xg::gradgradcheck(fn, inputs);
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message;
}

/// gradcheck of fn and gradgradcheck of fn(x)^2 (so the second derivative is not zero and
/// runs through the backward op's own backward).
::testing::AssertionResult BothChecksPass(const xg::GradcheckFn& fn, const xg::TensorList& in) {
  auto first = GradcheckPasses(fn, in);
  if (!first) return first;
  return GradgradcheckPasses(
      [fn](const xg::TensorList& x) {
        auto y = fn(x);
        return y * y;
      },
      in);
}

/// 0, 1, 2, ... as a tensor of `shape`.
xg::Tensor iota(const xg::Shape& shape, xg::DType dtype = xg::kFloat64) {
  return xg::arange(0, static_cast<double>(xg::shape_numel(shape)), 1, dtype).reshape(shape);
}

/// Random int64 indices in [0, bound), from the global generator.
xg::Tensor random_index(const xg::Shape& shape, int64_t bound) {
  auto u = xg::rand(shape, xg::kFloat64).to_vector();
  std::vector<int64_t> v;
  for (double e : u) v.push_back(static_cast<int64_t>(std::floor(e * static_cast<double>(bound))));
  return xg::tensor(v, shape);
}

xg::Tensor idx(const std::vector<int64_t>& values, const xg::Shape& shape) {
  return xg::tensor(values, shape);
}
xg::Tensor idx(const std::vector<int64_t>& values) {
  return xg::tensor(values, {static_cast<int64_t>(values.size())});
}

}  // namespace

// ---- slice -----------------------------------------------------------------------------------

TEST(ShapeOpsSlice, PythonBounds) {
  auto x = iota({6});
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 1, 4), {1, 2, 3}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 0, 6, 2), {0, 2, 4}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 1, 6, 2), {1, 3, 5}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, -2, 6), {4, 5}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 0, -1), {0, 1, 2, 3, 4}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, -100, 2), {0, 1}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 4, 100), {4, 5}));
  EXPECT_TRUE(ValuesEqual(xg::slice(x, 0, 0, 100, 4), {0, 4}));
  EXPECT_EQ(xg::slice(x, 0, 4, 2).shape(), (xg::Shape{0}));
  EXPECT_EQ(xg::slice(x, 0, 7, 9).shape(), (xg::Shape{0}));
  EXPECT_EQ(xg::slice(x, 0, -1, -3).shape(), (xg::Shape{0}));
}

TEST(ShapeOpsSlice, AlongInnerDims) {
  auto x = iota({2, 3, 4});
  auto y = xg::slice(x, 2, 1, 3);
  EXPECT_EQ(y.shape(), (xg::Shape{2, 3, 2}));
  EXPECT_TRUE(ValuesEqual(y, {1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}));
  auto z = xg::slice(x, -2, 0, 3, 2);
  EXPECT_EQ(z.shape(), (xg::Shape{2, 2, 4}));
  EXPECT_TRUE(ValuesEqual(xg::slice(z, 0, 1, 2), {12, 13, 14, 15, 20, 21, 22, 23}));
  auto l = xg::slice(iota({4}, xg::kInt64), 0, 1, 3);
  EXPECT_EQ(l.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(l, {1, 2}));
  EXPECT_TRUE(ValuesEqual(xg::slice(iota({3}, xg::kFloat32), 0, 2, 3), {2}));
}

TEST(ShapeOpsSlice, Grad) {
  xg::manual_seed(11);
  auto x = randn_leaf({4, 5});
  struct Case {
    int64_t dim, start, end, step;
  };
  for (auto c : std::vector<Case>{{0, 1, 3, 1},
                                  {1, 0, 5, 2},
                                  {1, -3, -1, 1},
                                  {-1, 1, 100, 3},
                                  {0, 3, 1, 1},  // empty result
                                  {0, 0, 4, 1}}) {
    EXPECT_TRUE(BothChecksPass(
        [c](const xg::TensorList& in) { return xg::slice(in[0], c.dim, c.start, c.end, c.step); },
        {x}))
        << c.dim << " " << c.start << ":" << c.end << ":" << c.step;
  }
  auto one = randn_leaf({1});
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::slice(in[0], 0, 0, 1); }, {one}));
  auto e = randn_leaf({0, 3});
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::slice(in[0], 1, 1, 3); }, {e}));
}

TEST(ShapeOpsSlice, BackwardPlacesTheGradient) {
  auto x = xg::zeros({5}, xg::kFloat64).requires_grad_();
  xg::slice(x, 0, 0, 5, 2).backward(xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64));
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 0, 2, 0, 3}));
}

TEST(ShapeOpsSlice, Errors) {
  auto x = xg::zeros({2, 3});
  auto m = message_of<xg::IndexError>([&] { xg::slice(x, 2, 0, 1); });
  EXPECT_TRUE(Contains(m, "slice")) << m;
  m = message_of<xg::ValueError>([&] { xg::slice(x, 0, 0, 1, 0); });
  EXPECT_TRUE(Contains(m, "slice")) << m;
  m = message_of<xg::ValueError>([&] { xg::slice(x, 0, 1, 0, -1); });
  EXPECT_TRUE(Contains(m, "slice")) << m;
  EXPECT_TRUE(Contains(m, "-1")) << m;
  m = message_of<xg::IndexError>([] { xg::slice(xg::zeros({}), 0, 0, 1); });
  EXPECT_TRUE(Contains(m, "slice")) << m;
}

// ---- select / operator[] ---------------------------------------------------------------------

TEST(ShapeOpsSelect, Values) {
  auto x = iota({3, 2});
  EXPECT_EQ(x[0].shape(), (xg::Shape{2}));
  EXPECT_TRUE(ValuesEqual(x[1], {2, 3}));
  EXPECT_TRUE(ValuesEqual(x[-1], {4, 5}));
  EXPECT_EQ(x[2][1].shape(), (xg::Shape{}));
  EXPECT_EQ(x[2][1].item(), 5);
  EXPECT_TRUE(ValuesEqual(xg::select(x, 1, -1), {1, 3, 5}));
  EXPECT_EQ(iota({2}, xg::kInt64)[1].item(), 1);
  EXPECT_EQ(xg::zeros({2, 0})[1].shape(), (xg::Shape{0}));
}

TEST(ShapeOpsSelect, Grad) {
  xg::manual_seed(12);
  auto x = randn_leaf({3, 4});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return in[0][1]; }, {x}));
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return in[0][-1][2]; }, {x}));
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::select(in[0], 1, 0); }, {x}));
  auto one = randn_leaf({1});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return in[0][0]; }, {one}));
}

TEST(ShapeOpsSelect, Errors) {
  auto x = xg::zeros({3, 2});
  auto m = message_of<xg::IndexError>([&] { x[3]; });
  EXPECT_TRUE(Contains(m, "operator[]")) << m;
  EXPECT_TRUE(Contains(m, "index 3")) << m;
  EXPECT_TRUE(Contains(m, "size 3")) << m;
  m = message_of<xg::IndexError>([&] { x[-4]; });
  EXPECT_TRUE(Contains(m, "operator[]")) << m;
  m = message_of<xg::IndexError>([] { xg::zeros({})[0]; });
  EXPECT_TRUE(Contains(m, "operator[]")) << m;
  m = message_of<xg::IndexError>([&] { xg::select(x, 1, 2); });
  EXPECT_TRUE(Contains(m, "select")) << m;
  m = message_of<xg::IndexError>([&] { xg::select(x, 2, 0); });
  EXPECT_TRUE(Contains(m, "select")) << m;
}

// ---- index_select ----------------------------------------------------------------------------

TEST(ShapeOpsIndexSelect, Values) {
  auto x = iota({3, 2});
  auto r = xg::index_select(x, 0, idx({2, 0, 2}));
  EXPECT_EQ(r.shape(), (xg::Shape{3, 2}));
  EXPECT_TRUE(ValuesEqual(r, {4, 5, 0, 1, 4, 5}));
  EXPECT_TRUE(ValuesEqual(xg::index_select(x, -1, idx({1})), {1, 3, 5}));
  EXPECT_EQ(xg::index_select(x, 1, xg::tensor(std::vector<int64_t>{}, {0})).shape(),
            (xg::Shape{3, 0}));
  EXPECT_EQ(xg::index_select(x, 0, idx({1}, {})).shape(), (xg::Shape{1, 2}));  // 0-d index
  auto labels = xg::index_select(iota({4}, xg::kInt64), 0, idx({3, 3}));
  EXPECT_EQ(labels.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(labels, {3, 3}));
  EXPECT_TRUE(ValuesEqual(xg::index_select(iota({2}, xg::kFloat32), 0, idx({1})), {1}));
}

TEST(ShapeOpsIndexSelect, RepeatedIndicesAccumulate) {
  auto x = xg::zeros({3}, xg::kFloat64).requires_grad_();
  xg::index_select(x, 0, idx({2, 0, 2, 2})).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {1, 0, 3}));
}

TEST(ShapeOpsIndexSelect, Grad) {
  xg::manual_seed(13);
  auto x = randn_leaf({4, 3, 2});
  for (int64_t dim : {0, 1, 2}) {
    const auto index = random_index({5}, x.shape()[dim]);  // repeats likely
    EXPECT_TRUE(BothChecksPass(
        [dim, index](const xg::TensorList& in) { return xg::index_select(in[0], dim, index); },
        {x}))
        << dim;
  }
  auto one = randn_leaf({1});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::index_select(in[0], 0, idx({0, 0}));
      },
      {one}));
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::index_select(in[0], 1, xg::tensor(std::vector<int64_t>{}, {0}));
      },
      {x}));
}

TEST(ShapeOpsIndexSelect, Errors) {
  auto x = xg::zeros({3, 2});
  auto m = message_of<xg::IndexError>([&] { xg::index_select(x, 0, idx({0, 7})); });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
  EXPECT_TRUE(Contains(m, "index 7")) << m;
  EXPECT_TRUE(Contains(m, "size 3")) << m;
  m = message_of<xg::IndexError>([&] { xg::index_select(x, 1, idx({-1})); });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
  EXPECT_TRUE(Contains(m, "-1")) << m;
  m = message_of<xg::DTypeError>([&] {
    xg::index_select(x, 0, xg::tensor({0.0, 1.0}, xg::kFloat32));
  });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
  EXPECT_TRUE(Contains(m, "float32")) << m;
  m = message_of<xg::ShapeError>([&] { xg::index_select(x, 0, idx({0, 1}, {1, 2})); });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
  m = message_of<xg::IndexError>([&] { xg::index_select(x, 2, idx({0})); });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
  m = message_of<xg::ValueError>([&] { xg::index_select(x, 0, xg::Tensor()); });
  EXPECT_TRUE(Contains(m, "index_select")) << m;
}

// ---- gather ----------------------------------------------------------------------------------

TEST(ShapeOpsGather, Values) {
  auto x = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat64);
  // dim 1: out[i][j] = x[i][index[i][j]]
  EXPECT_TRUE(ValuesEqual(xg::gather(x, 1, idx({0, 0, 1, 0}, {2, 2})), {1, 1, 4, 3}));
  // dim 0: out[i][j] = x[index[i][j]][j]
  EXPECT_TRUE(ValuesEqual(xg::gather(x, 0, idx({1, 0}, {1, 2})), {3, 2}));
  // index smaller than x outside dim
  auto y = iota({3, 4});
  auto g = xg::gather(y, 1, idx({3, 2}, {2, 1}));
  EXPECT_EQ(g.shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(g, {3, 6}));
  // picking the label's log-prob, as in nll_loss
  auto labels = idx({2, 0, 1});
  EXPECT_TRUE(ValuesEqual(xg::gather(y, 1, labels.reshape({-1, 1})), {2, 4, 9}));
  auto l = xg::gather(iota({2, 2}, xg::kInt64), 1, idx({1, 1}, {2, 1}));
  EXPECT_EQ(l.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(l, {1, 3}));
  EXPECT_EQ(xg::gather(y, 0, xg::tensor(std::vector<int64_t>{}, {0, 4})).shape(),
            (xg::Shape{0, 4}));
}

TEST(ShapeOpsGather, RepeatedIndicesAccumulate) {
  auto x = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat64).requires_grad_();
  xg::gather(x, 1, idx({0, 0, 1, 0}, {2, 2})).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 0, 1, 1}));
}

TEST(ShapeOpsGather, Grad) {
  xg::manual_seed(14);
  auto x = randn_leaf({3, 4, 2});
  for (int64_t dim : {0, 1, 2, -1}) {
    const int64_t d = dim < 0 ? dim + 3 : dim;
    xg::Shape ishape = {2, 3, 2};
    ishape[d] = 5;  // longer than x along dim: repeats guaranteed
    const auto index = random_index(ishape, x.shape()[d]);
    EXPECT_TRUE(BothChecksPass(
        [dim, index](const xg::TensorList& in) { return xg::gather(in[0], dim, index); }, {x}))
        << dim;
  }
  auto one = randn_leaf({1, 1});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::gather(in[0], 0, idx({0, 0, 0}, {3, 1}));
      },
      {one}));
  auto v = randn_leaf({4});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::gather(in[0], 0, idx({3, 1, 3}));
      },
      {v}));
}

TEST(ShapeOpsGather, Errors) {
  auto x = xg::zeros({3, 2});
  auto m = message_of<xg::IndexError>([&] { xg::gather(x, 1, idx({0, 2}, {2, 1})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
  EXPECT_TRUE(Contains(m, "index 2")) << m;
  EXPECT_TRUE(Contains(m, "size 2")) << m;
  m = message_of<xg::IndexError>([&] { xg::gather(x, 0, idx({-1}, {1, 1})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
  m = message_of<xg::DTypeError>([&] { xg::gather(x, 1, xg::zeros({3, 1})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
  m = message_of<xg::ShapeError>([&] { xg::gather(x, 1, idx({0, 1, 0})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
  EXPECT_TRUE(Contains(m, "[3]")) << m;
  m = message_of<xg::ShapeError>([&] { xg::gather(x, 1, idx({0, 0, 0, 0}, {4, 1})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
  EXPECT_TRUE(Contains(m, "[4, 1]")) << m;
  m = message_of<xg::IndexError>([&] { xg::gather(x, -3, idx({0}, {1, 1})); });
  EXPECT_TRUE(Contains(m, "gather")) << m;
}

// ---- by name ---------------------------------------------------------------------------------

TEST(ShapeOpsIndexRegistry, ReachableByName) {
  auto x = iota({3, 4});
  auto s = xg::ops::call(
      "slice", {x},
      {{"dim", int64_t(1)}, {"start", int64_t(1)}, {"end", int64_t(4)}, {"step", int64_t(2)}})[0];
  EXPECT_TRUE(ValuesEqual(s, {1, 3, 5, 7, 9, 11}));
  EXPECT_EQ(xg::ops::call("slice", {x}, {{"start", int64_t(-1)}})[0].shape(), (xg::Shape{1, 4}));
  EXPECT_TRUE(
      ValuesEqual(xg::ops::call("select", {x}, {{"index", int64_t(-1)}})[0], {8, 9, 10, 11}));
  EXPECT_TRUE(ValuesEqual(xg::ops::call("index_select", {x, idx({0, 3})}, {{"dim", int64_t(1)}})[0],
                          {0, 3, 4, 7, 8, 11}));
  EXPECT_TRUE(ValuesEqual(
      xg::ops::call("gather", {x, idx({1, 0, 2}, {3, 1})}, {{"dim", int64_t(1)}})[0], {1, 4, 10}));
}

TEST(ShapeOpsIndexRegistry, ErrorsKeepTheirTypeThroughCall) {
  auto m = message_of<xg::IndexError>([] {
    xg::ops::call("gather", {xg::zeros({2, 2}), idx({5, 0}, {2, 1})}, {{"dim", int64_t(1)}});
  });
  EXPECT_TRUE(Contains(m, "gather")) << m;
}
