// Shape ops added with the PyTorch names: view, flatten, squeeze, unsqueeze, permute,
// broadcast_to, concat/cat, stack, split, split_with_sizes. For each: values on small cases,
// gradcheck and gradgradcheck (float64) incl. edge shapes, the registry entry, and one test per
// bad-input path (exception type and the op name in the message).
#include <gtest/gtest.h>

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

/// gradcheck of fn and gradgradcheck of fn(x)^2 (so the second derivative is not zero).
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

/// 0, 1, 2, ... as a float64 tensor of `shape`.
xg::Tensor iota(const xg::Shape& shape, xg::DType dtype = xg::kFloat64) {
  return xg::arange(0, static_cast<double>(xg::shape_numel(shape)), 1, dtype).reshape(shape);
}

xg::Attrs dim_attr(int64_t dim) {
  return {{"dim", dim}};
}

}  // namespace

// ---- view ------------------------------------------------------------------------------------

TEST(ShapeOpsView, SharesDataAndInfersMinusOne) {
  auto x = iota({2, 6}, xg::kFloat32);
  auto v = xg::view(x, {3, -1});
  EXPECT_EQ(v.shape(), (xg::Shape{3, 4}));
  EXPECT_EQ(v.data_ptr<float>(), x.data_ptr<float>());
  EXPECT_TRUE(ValuesEqual(v, x.to_vector()));
}

TEST(ShapeOpsView, Grad) {
  xg::manual_seed(1);
  for (auto [from, to] : std::vector<std::pair<xg::Shape, xg::Shape>>{
           {{2, 3}, {3, 2}}, {{1}, {}}, {{4, 1, 3}, {-1}}, {{0, 3}, {3, 0}}}) {
    auto x = randn_leaf(from);
    const xg::Shape t = to;
    EXPECT_TRUE(BothChecksPass([t](const xg::TensorList& in) { return xg::view(in[0], t); }, {x}))
        << xg::shape_str(from);
  }
}

TEST(ShapeOpsView, Errors) {
  auto x = xg::zeros({2, 3});
  auto m = message_of<xg::ShapeError>([&] { xg::view(x, {4, 2}); });
  EXPECT_TRUE(Contains(m, "view")) << m;
  EXPECT_TRUE(Contains(m, "[2, 3]"));
  m = message_of<xg::ValueError>([&] { xg::view(x, {-2, 3}); });
  EXPECT_TRUE(Contains(m, "view")) << m;
  m = message_of<xg::ValueError>([&] { xg::view(xg::Tensor(), {1}); });
  EXPECT_TRUE(Contains(m, "view")) << m;
}

// ---- flatten ---------------------------------------------------------------------------------

TEST(ShapeOpsFlatten, Shapes) {
  auto x = xg::zeros({2, 3, 4, 5});
  EXPECT_EQ(xg::flatten(x).shape(), (xg::Shape{120}));
  EXPECT_EQ(xg::flatten(x, 1).shape(), (xg::Shape{2, 60}));
  EXPECT_EQ(xg::flatten(x, 1, 2).shape(), (xg::Shape{2, 12, 5}));
  EXPECT_EQ(xg::flatten(x, -2, -1).shape(), (xg::Shape{2, 3, 20}));
  EXPECT_EQ(xg::flatten(x, 2, 2).shape(), (xg::Shape{2, 3, 4, 5}));
  EXPECT_EQ(xg::flatten(xg::zeros({})).shape(), (xg::Shape{1}));
  EXPECT_EQ(xg::flatten(xg::zeros({2, 0, 3}), 0, 1).shape(), (xg::Shape{0, 3}));
  auto i = iota({2, 2}, xg::kInt64);
  EXPECT_EQ(xg::flatten(i).dtype(), xg::kInt64);
  EXPECT_EQ(xg::flatten(x).data_ptr<float>(), x.data_ptr<float>());
}

TEST(ShapeOpsFlatten, Grad) {
  xg::manual_seed(2);
  auto x = randn_leaf({2, 3, 2});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return xg::flatten(in[0], 1); }, {x}));
  auto s = randn_leaf({});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return xg::flatten(in[0]); }, {s}));
}

TEST(ShapeOpsFlatten, Errors) {
  auto x = xg::zeros({2, 3, 4});
  auto m = message_of<xg::IndexError>([&] { xg::flatten(x, 3); });
  EXPECT_TRUE(Contains(m, "flatten")) << m;
  m = message_of<xg::ValueError>([&] { xg::flatten(x, 2, 1); });
  EXPECT_TRUE(Contains(m, "flatten")) << m;
  EXPECT_TRUE(Contains(m, "[2, 3, 4]")) << m;
}

// ---- squeeze / unsqueeze ---------------------------------------------------------------------

TEST(ShapeOpsSqueeze, Shapes) {
  auto x = xg::zeros({1, 2, 1, 3});
  EXPECT_EQ(xg::squeeze(x).shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(xg::squeeze(x, 0).shape(), (xg::Shape{2, 1, 3}));
  EXPECT_EQ(xg::squeeze(x, -2).shape(), (xg::Shape{1, 2, 3}));
  EXPECT_EQ(xg::squeeze(x, 1).shape(), (xg::Shape{1, 2, 1, 3}));  // size 2: unchanged
  EXPECT_EQ(xg::squeeze(xg::zeros({1, 1})).shape(), (xg::Shape{}));
  EXPECT_EQ(xg::squeeze(xg::zeros({}), 0).shape(), (xg::Shape{}));
  EXPECT_EQ(xg::squeeze(x).data_ptr<float>(), x.data_ptr<float>());
}

TEST(ShapeOpsSqueeze, UnsqueezeShapes) {
  auto x = xg::zeros({2, 3});
  EXPECT_EQ(xg::unsqueeze(x, 0).shape(), (xg::Shape{1, 2, 3}));
  EXPECT_EQ(xg::unsqueeze(x, 2).shape(), (xg::Shape{2, 3, 1}));
  EXPECT_EQ(xg::unsqueeze(x, -1).shape(), (xg::Shape{2, 3, 1}));
  EXPECT_EQ(xg::unsqueeze(x, -3).shape(), (xg::Shape{1, 2, 3}));
  EXPECT_EQ(xg::unsqueeze(xg::zeros({}), 0).shape(), (xg::Shape{1}));
  EXPECT_EQ(xg::unsqueeze(iota({3}, xg::kInt64), 1).shape(), (xg::Shape{3, 1}));
}

TEST(ShapeOpsSqueeze, Grad) {
  xg::manual_seed(3);
  auto x = randn_leaf({1, 3, 1});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return xg::squeeze(in[0]); }, {x}));
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return xg::squeeze(in[0], -1); }, {x}));
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::unsqueeze(in[0], 1); }, {x}));
  auto one = randn_leaf({1});
  EXPECT_TRUE(BothChecksPass([](const xg::TensorList& in) { return xg::squeeze(in[0]); }, {one}));
}

TEST(ShapeOpsSqueeze, Errors) {
  auto x = xg::zeros({2, 1});
  auto m = message_of<xg::IndexError>([&] { xg::squeeze(x, 2); });
  EXPECT_TRUE(Contains(m, "squeeze")) << m;
  m = message_of<xg::IndexError>([&] { xg::unsqueeze(x, 3); });
  EXPECT_TRUE(Contains(m, "unsqueeze")) << m;
  m = message_of<xg::IndexError>([&] { xg::unsqueeze(x, -4); });
  EXPECT_TRUE(Contains(m, "unsqueeze")) << m;
}

// ---- permute ---------------------------------------------------------------------------------

TEST(ShapeOpsPermute, Values) {
  auto x = iota({2, 3});
  auto y = xg::permute(x, {1, 0});
  EXPECT_EQ(y.shape(), (xg::Shape{3, 2}));
  EXPECT_TRUE(ValuesEqual(y, {0, 3, 1, 4, 2, 5}));
  auto z = xg::permute(iota({2, 3, 4}), {2, 0, -2});
  EXPECT_EQ(z.shape(), (xg::Shape{4, 2, 3}));
  // z[k][i][j] = x[i][j][k] = 12 i + 4 j + k
  EXPECT_EQ(z.at({3, 1, 2}), 12 * 1 + 4 * 2 + 3);
  auto l = xg::permute(iota({2, 2}, xg::kInt64), {1, 0});
  EXPECT_EQ(l.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(l, {0, 2, 1, 3}));
  EXPECT_EQ(xg::permute(xg::zeros({0, 2}), {1, 0}).shape(), (xg::Shape{2, 0}));
  auto s = xg::zeros({});
  EXPECT_TRUE(xg::permute(s, {}).is_same(s));
}

TEST(ShapeOpsPermute, Grad) {
  xg::manual_seed(4);
  auto x = randn_leaf({2, 3, 4});
  for (xg::Shape dims : {xg::Shape{2, 0, 1}, xg::Shape{1, 2, 0}, xg::Shape{0, 2, 1}}) {
    EXPECT_TRUE(
        BothChecksPass([dims](const xg::TensorList& in) { return xg::permute(in[0], dims); }, {x}))
        << xg::shape_str(dims);
  }
  auto y = randn_leaf({1, 3});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::permute(in[0], {1, 0});
      },
      {y}));
}

TEST(ShapeOpsPermute, Errors) {
  auto x = xg::zeros({2, 3});
  auto m = message_of<xg::ShapeError>([&] { xg::permute(x, {0}); });
  EXPECT_TRUE(Contains(m, "permute")) << m;
  m = message_of<xg::ValueError>([&] { xg::permute(x, {1, 1}); });
  EXPECT_TRUE(Contains(m, "permute")) << m;
  m = message_of<xg::IndexError>([&] { xg::permute(x, {0, 2}); });
  EXPECT_TRUE(Contains(m, "permute")) << m;
}

// ---- broadcast_to ----------------------------------------------------------------------------

TEST(ShapeOpsBroadcastTo, Values) {
  auto b = xg::broadcast_to(iota({3}), {2, 3});
  EXPECT_TRUE(ValuesEqual(b, {0, 1, 2, 0, 1, 2}));
  auto c = xg::broadcast_to(iota({2, 1}), {2, 2});
  EXPECT_TRUE(ValuesEqual(c, {0, 0, 1, 1}));
  EXPECT_EQ(xg::broadcast_to(iota({1}), {0, 3}).shape(), (xg::Shape{0, 3}));
}

TEST(ShapeOpsBroadcastTo, Grad) {
  xg::manual_seed(5);
  auto x = randn_leaf({3, 1});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::broadcast_to(in[0], {2, 3, 4});
      },
      {x}));
  auto s = randn_leaf({});
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::broadcast_to(in[0], {2}); }, {s}));
}

TEST(ShapeOpsBroadcastTo, Errors) {
  auto m = message_of<xg::ShapeError>([] { xg::broadcast_to(xg::zeros({3}), {2, 4}); });
  EXPECT_TRUE(Contains(m, "broadcast_to")) << m;
  m = message_of<xg::ShapeError>([] { xg::broadcast_to(xg::zeros({2, 3}), {3}); });
  EXPECT_TRUE(Contains(m, "broadcast_to")) << m;
  m = message_of<xg::DTypeError>([] { xg::broadcast_to(xg::zeros({2}, xg::kInt64), {2, 2}); });
  EXPECT_TRUE(Contains(m, "broadcast_to")) << m;
}

// ---- concat / cat ----------------------------------------------------------------------------

TEST(ShapeOpsConcat, Values) {
  auto a = iota({2, 2});
  auto b = iota({2, 1}) + 10.0;
  auto c = xg::concat({a, b}, 1);
  EXPECT_EQ(c.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(c, {0, 1, 10, 2, 3, 11}));
  auto d = xg::cat({a, iota({1, 2}) + 10.0});
  EXPECT_TRUE(ValuesEqual(d, {0, 1, 2, 3, 10, 11}));
  auto e = xg::concat({a, xg::zeros({2, 0}, xg::kFloat64), b}, -1);
  EXPECT_TRUE(ValuesEqual(e, {0, 1, 10, 2, 3, 11}));
  auto l = xg::concat({iota({2}, xg::kInt64), iota({1}, xg::kInt64)});
  EXPECT_EQ(l.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(l, {0, 1, 0}));
  auto f = xg::concat({iota({2}, xg::kFloat32)});
  EXPECT_TRUE(ValuesEqual(f, {0, 1}));
}

TEST(ShapeOpsConcat, Grad) {
  xg::manual_seed(6);
  auto a = randn_leaf({2, 3});
  auto b = randn_leaf({2, 1});
  auto e = randn_leaf({2, 0});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::concat({in[0], in[1], in[2]}, 1);
      },
      {a, e, b}));
  auto c = randn_leaf({1, 3});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::cat({in[0], in[1]}, 0);
      },
      {a, c}));
  // The same tensor twice: both slices of the gradient add up.
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::cat({in[0], in[0]}, 0);
      },
      {c}));
  // One input needs no gradient.
  auto k = xg::randn({2, 3}, xg::kFloat64);
  EXPECT_TRUE(BothChecksPass(
      [k](const xg::TensorList& in) {
        return xg::cat({k, in[0]}, 0);
      },
      {a}));
}

TEST(ShapeOpsConcat, BackwardSplitsTheGradient) {
  auto a = xg::zeros({1, 2}, xg::kFloat64).requires_grad_();
  auto b = xg::zeros({2, 2}, xg::kFloat64).requires_grad_();
  auto y = xg::concat({a, b}, 0);
  y.backward(iota({3, 2}));
  EXPECT_TRUE(ValuesEqual(a.grad(), {0, 1}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {2, 3, 4, 5}));
}

TEST(ShapeOpsConcat, Errors) {
  auto a = xg::zeros({2, 3});
  auto m = message_of<xg::ValueError>([] { xg::concat({}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::ShapeError>([&] { xg::concat({a, xg::zeros({3, 3})}, 1); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  EXPECT_TRUE(Contains(m, "[3, 3]")) << m;
  m = message_of<xg::ShapeError>([&] { xg::concat({a, xg::zeros({2, 3, 1})}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::DTypeError>([&] { xg::concat({a, xg::zeros({2, 3}, xg::kFloat64)}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::IndexError>([&] { xg::concat({a, a}, 2); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::ShapeError>([] { xg::concat({xg::zeros({}), xg::zeros({})}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::ValueError>([&] { xg::concat({a, xg::Tensor()}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::ValueError>([] { xg::cat({}, 0); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
}

// ---- stack -----------------------------------------------------------------------------------

TEST(ShapeOpsStack, Values) {
  auto a = iota({3});
  auto b = iota({3}) + 10.0;
  auto s0 = xg::stack({a, b});
  EXPECT_EQ(s0.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(s0, {0, 1, 2, 10, 11, 12}));
  auto s1 = xg::stack({a, b}, 1);
  EXPECT_EQ(s1.shape(), (xg::Shape{3, 2}));
  EXPECT_TRUE(ValuesEqual(s1, {0, 10, 1, 11, 2, 12}));
  EXPECT_EQ(xg::stack({a, b}, -1).shape(), (xg::Shape{3, 2}));
  auto sc = xg::stack({xg::full({}, 1.0), xg::full({}, 2.0)});
  EXPECT_TRUE(ValuesEqual(sc, {1, 2}));
  EXPECT_EQ(xg::stack({xg::zeros({0, 2})}, 1).shape(), (xg::Shape{0, 1, 2}));
  EXPECT_EQ(xg::stack({iota({2}, xg::kInt64)}).dtype(), xg::kInt64);
}

TEST(ShapeOpsStack, Grad) {
  xg::manual_seed(7);
  auto a = randn_leaf({2, 3});
  auto b = randn_leaf({2, 3});
  for (int64_t dim : {0, 1, 2, -1}) {
    EXPECT_TRUE(BothChecksPass(
        [dim](const xg::TensorList& in) {
          return xg::stack({in[0], in[1]}, dim);
        },
        {a, b}))
        << dim;
  }
  auto s = randn_leaf({});
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        return xg::stack({in[0], in[0]});
      },
      {s}));
}

TEST(ShapeOpsStack, Errors) {
  auto a = xg::zeros({2, 3});
  auto m = message_of<xg::ValueError>([] { xg::stack({}, 0); });
  EXPECT_TRUE(Contains(m, "stack")) << m;
  m = message_of<xg::ShapeError>([&] { xg::stack({a, xg::zeros({3, 3})}); });
  EXPECT_TRUE(Contains(m, "stack")) << m;
  EXPECT_TRUE(Contains(m, "[3, 3]")) << m;
  m = message_of<xg::IndexError>([&] { xg::stack({a, a}, 3); });
  EXPECT_TRUE(Contains(m, "stack")) << m;
  m = message_of<xg::DTypeError>([&] { xg::stack({a, xg::zeros({2, 3}, xg::kInt64)}); });
  EXPECT_TRUE(Contains(m, "stack")) << m;
}

// ---- split / split_with_sizes ----------------------------------------------------------------

TEST(ShapeOpsSplit, Values) {
  auto x = iota({5, 2});
  auto parts = xg::split(x, 2);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(ValuesEqual(parts[0], {0, 1, 2, 3}));
  EXPECT_TRUE(ValuesEqual(parts[1], {4, 5, 6, 7}));
  EXPECT_EQ(parts[2].shape(), (xg::Shape{1, 2}));
  EXPECT_TRUE(ValuesEqual(parts[2], {8, 9}));
  auto cols = xg::split(x, 1, 1);
  ASSERT_EQ(cols.size(), 2u);
  EXPECT_TRUE(ValuesEqual(cols[1], {1, 3, 5, 7, 9}));
  EXPECT_EQ(xg::split(x, 7).size(), 1u);
  auto empty = xg::split(xg::zeros({0, 2}), 3);
  ASSERT_EQ(empty.size(), 1u);
  EXPECT_EQ(empty[0].shape(), (xg::Shape{0, 2}));
  auto sized = xg::split_with_sizes(x, {1, 0, 4});
  ASSERT_EQ(sized.size(), 3u);
  EXPECT_EQ(sized[1].shape(), (xg::Shape{0, 2}));
  EXPECT_TRUE(ValuesEqual(sized[2], {2, 3, 4, 5, 6, 7, 8, 9}));
  auto labels = xg::split(iota({3}, xg::kInt64), 2);
  EXPECT_EQ(labels[1].dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(labels[1], {2}));
}

TEST(ShapeOpsSplit, Grad) {
  xg::manual_seed(8);
  auto x = randn_leaf({5, 3});
  // Uses outputs 0 and 2 only: the unused one gets a zero gradient.
  auto skip_middle = [](int64_t size, int64_t dim) {
    return [size, dim](const xg::TensorList& in) {
      auto p = xg::split(in[0], size, dim);
      return xg::cat({xg::flatten(p[0]) * 2.0, xg::flatten(p[2])});
    };
  };
  EXPECT_TRUE(BothChecksPass(skip_middle(2, 0), {x}));
  EXPECT_TRUE(BothChecksPass(skip_middle(1, 1), {x}));
  // All outputs used, with an empty chunk.
  EXPECT_TRUE(BothChecksPass(
      [](const xg::TensorList& in) {
        auto p = xg::split_with_sizes(in[0], {2, 0, 3}, 0);
        return xg::cat({p[2], p[1] * 3.0, p[0] * -1.0}, 0);
      },
      {x}));
  auto one = randn_leaf({1});
  EXPECT_TRUE(
      BothChecksPass([](const xg::TensorList& in) { return xg::split(in[0], 1)[0]; }, {one}));
}

TEST(ShapeOpsSplit, BackwardZeroFillsUnusedOutputs) {
  auto x = xg::zeros({4}, xg::kFloat64).requires_grad_();
  auto parts = xg::split(x, 2);
  (parts[1] * 3.0).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0, 0, 3, 3}));
}

TEST(ShapeOpsSplit, Errors) {
  auto x = xg::zeros({4, 2});
  auto m = message_of<xg::ValueError>([&] { xg::split(x, 0); });
  EXPECT_TRUE(Contains(m, "split")) << m;
  m = message_of<xg::IndexError>([&] { xg::split(x, 1, 2); });
  EXPECT_TRUE(Contains(m, "split")) << m;
  m = message_of<xg::IndexError>([] { xg::split(xg::zeros({}), 1); });
  EXPECT_TRUE(Contains(m, "split")) << m;
  m = message_of<xg::ShapeError>([&] { xg::split_with_sizes(x, {1, 2}); });
  EXPECT_TRUE(Contains(m, "split_with_sizes")) << m;
  EXPECT_TRUE(Contains(m, "[1, 2]")) << m;
  m = message_of<xg::ValueError>([&] { xg::split_with_sizes(x, {5, -1}); });
  EXPECT_TRUE(Contains(m, "split_with_sizes")) << m;
}

// ---- by name ---------------------------------------------------------------------------------

TEST(ShapeOpsRegistry, ReachableByName) {
  auto x = iota({2, 1, 3});
  EXPECT_EQ(xg::ops::call("view", {x}, {{"shape", xg::Shape{3, 2}}})[0].shape(), (xg::Shape{3, 2}));
  EXPECT_EQ(xg::ops::call("flatten", {x}, {{"start_dim", int64_t(1)}})[0].shape(),
            (xg::Shape{2, 3}));
  EXPECT_EQ(xg::ops::call("flatten", {x})[0].shape(), (xg::Shape{6}));
  EXPECT_EQ(xg::ops::call("squeeze", {x})[0].shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(xg::ops::call("squeeze", {x}, dim_attr(0))[0].shape(), (xg::Shape{2, 1, 3}));
  EXPECT_EQ(xg::ops::call("unsqueeze", {x}, dim_attr(-1))[0].shape(), (xg::Shape{2, 1, 3, 1}));
  EXPECT_EQ(xg::ops::call("permute", {x}, {{"dims", xg::Shape{2, 0, 1}}})[0].shape(),
            (xg::Shape{3, 2, 1}));
  EXPECT_EQ(xg::ops::call("broadcast_to", {x}, {{"shape", xg::Shape{2, 4, 3}}})[0].shape(),
            (xg::Shape{2, 4, 3}));
  EXPECT_EQ(xg::ops::call("concat", {x, x, x}, dim_attr(1))[0].shape(), (xg::Shape{2, 3, 3}));
  EXPECT_EQ(xg::ops::call("cat", {x, x})[0].shape(), (xg::Shape{4, 1, 3}));
  EXPECT_EQ(xg::ops::call("stack", {x, x}, dim_attr(3))[0].shape(), (xg::Shape{2, 1, 3, 2}));
  auto parts = xg::ops::call("split", {x}, {{"split_size", int64_t(2)}, {"dim", int64_t(2)}});
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].shape(), (xg::Shape{2, 1, 1}));
  parts = xg::ops::call("split_with_sizes", {x}, {{"split_sizes", xg::Shape{1, 1}}});
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_TRUE(ValuesEqual(parts[1], {3, 4, 5}));
}

TEST(ShapeOpsRegistry, ErrorsKeepTheirTypeThroughCall) {
  auto m = message_of<xg::ValueError>([] { xg::ops::call("concat", {}, dim_attr(0)); });
  EXPECT_TRUE(Contains(m, "concat")) << m;
  m = message_of<xg::IndexError>([] { xg::ops::call("unsqueeze", {xg::zeros({2})}, dim_attr(5)); });
  EXPECT_TRUE(Contains(m, "unsqueeze")) << m;
}
