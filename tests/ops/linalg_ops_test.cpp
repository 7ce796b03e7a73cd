// matmul (every rank combination it supports, with batch broadcasting), bmm with transpose
// flags, linear with and without bias, outer: hand-worked values, a loop reference on random
// inputs, gradcheck / gradgradcheck, k = 0 and size-1 edge shapes, errors and registry entries.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::GradcheckPasses;
using xgtest::GradgradcheckPasses;
using xgtest::message_of;
using xgtest::randn_leaf;
using xgtest::t64;
using xgtest::ValuesEqual;

namespace {

constexpr double kTol64 = 1e-12;

/// torch.matmul for ranks 1 to 3, by plain loops: a 1-D a is a row [1, k], a 1-D b a column
/// [k, 1] (the added dim is dropped from the result), and a batch of 1 broadcasts.
struct Ref {
  std::vector<double> values;
  xg::Shape shape;
};

Ref ref_matmul(const xg::Tensor& a, const xg::Tensor& b) {
  const auto va = a.to_vector(), vb = b.to_vector();
  const int64_t ra = a.dim(), rb = b.dim();
  const int64_t ba = ra == 3 ? a.size(0) : 1, bb = rb == 3 ? b.size(0) : 1;
  const int64_t m = ra == 1 ? 1 : a.size(-2), k = a.size(-1);
  const int64_t n = rb == 1 ? 1 : b.size(-1);
  const int64_t batch = std::max(ba, bb);
  Ref r;
  r.values.assign(static_cast<size_t>(batch * m * n), 0.0);
  for (int64_t p = 0; p < batch; ++p) {
    const double* pa = va.data() + (ba == 1 ? 0 : p) * m * k;
    const double* pb = vb.data() + (bb == 1 ? 0 : p) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t l = 0; l < k; ++l) acc += pa[i * k + l] * pb[l * n + j];
        r.values[static_cast<size_t>(p * m * n + i * n + j)] = acc;
      }
  }
  if (ra == 3 || rb == 3) r.shape.push_back(batch);
  if (ra != 1) r.shape.push_back(m);
  if (rb != 1) r.shape.push_back(n);
  return r;
}

/// a [p, q] transposed, per batch entry of a [B, p, q] tensor.
xg::Tensor transposed_batches(const xg::Tensor& a) {
  const auto v = a.to_vector();
  const int64_t batch = a.size(0), p = a.size(1), q = a.size(2);
  std::vector<double> out(v.size());
  for (int64_t s = 0; s < batch; ++s)
    for (int64_t i = 0; i < p; ++i)
      for (int64_t j = 0; j < q; ++j) out[s * p * q + j * p + i] = v[s * p * q + i * q + j];
  return t64(out, {batch, q, p});
}

struct PairCase {
  xg::Shape a, b;
};

std::string pair_str(const PairCase& c) {
  return xg::shape_str(c.a) + " x " + xg::shape_str(c.b);
}

/// Every rank combination matmul supports, including batch broadcasting and size-1 dims.
const std::vector<PairCase>& matmul_cases() {
  static const std::vector<PairCase> cases = {
      {{3}, {3}},
      {{2, 3}, {3}},
      {{3}, {3, 4}},
      {{2, 3}, {3, 4}},
      {{2, 2, 3}, {3, 4}},
      {{2, 3}, {2, 3, 4}},
      {{2, 2, 3}, {2, 3, 4}},
      {{1, 2, 3}, {2, 3, 4}},
      {{2, 2, 3}, {1, 3, 4}},
      {{1}, {1}},
      {{1, 1}, {1, 1}},
      {{1, 1, 1}, {1, 1, 1}},
      {{1, 3}, {3, 1}},
      {{3, 1}, {1, 4}},
      {{1, 3}, {3}},
      {{3}, {3, 1}},
  };
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

TEST(LinalgOpsValues, MatmulHandWorked) {
  // [k] x [k] -> []: 1*4 + 2*5 + 3*6
  const auto dot = xg::matmul(t64({1, 2, 3}, {3}), t64({4, 5, 6}, {3}));
  EXPECT_EQ(dot.shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(dot, {32}));
  // [m, k] x [k] -> [m]: [[1, 2], [3, 4]] {5, 6} = {17, 39}
  const auto mv = xg::matmul(t64({1, 2, 3, 4}, {2, 2}), t64({5, 6}, {2}));
  EXPECT_EQ(mv.shape(), xg::Shape{2});
  EXPECT_TRUE(ValuesEqual(mv, {17, 39}));
  // [k] x [k, n] -> [n]: {1, 2} [[1, 2, 3], [4, 5, 6]] = {9, 12, 15}
  const auto vm = xg::matmul(t64({1, 2}, {2}), t64({1, 2, 3, 4, 5, 6}, {2, 3}));
  EXPECT_EQ(vm.shape(), xg::Shape{3});
  EXPECT_TRUE(ValuesEqual(vm, {9, 12, 15}));
  // [m, k] x [k, n]: [[1, 2], [3, 4]] [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
  const auto b = t64({5, 6, 7, 8}, {2, 2});
  const auto mm = xg::matmul(t64({1, 2, 3, 4}, {2, 2}), b);
  EXPECT_EQ(mm.shape(), (xg::Shape{2, 2}));
  EXPECT_TRUE(ValuesEqual(mm, {19, 22, 43, 50}));
  // [B, m, k] x [k, n]: the second batch entry is the swap [[0, 1], [1, 0]] -> rows swapped.
  const auto bm = xg::matmul(t64({1, 2, 3, 4, 0, 1, 1, 0}, {2, 2, 2}), b);
  EXPECT_EQ(bm.shape(), (xg::Shape{2, 2, 2}));
  EXPECT_TRUE(ValuesEqual(bm, {19, 22, 43, 50, 7, 8, 5, 6}));
  // [m, k] x [B, k, n]: {1, 2} (as [1, 2]) times I and diag(2, 3) -> {1, 2} and {2, 6}.
  const auto mb = xg::matmul(t64({1, 2}, {1, 2}), t64({1, 0, 0, 1, 2, 0, 0, 3}, {2, 2, 2}));
  EXPECT_EQ(mb.shape(), (xg::Shape{2, 1, 2}));
  EXPECT_TRUE(ValuesEqual(mb, {1, 2, 2, 6}));
  // [B, m, k] x [B, k, n]: [[1, 2]] [[1], [1]] = 3 and [[3, 4]] [[2], [-1]] = 2
  const auto bb = xg::matmul(t64({1, 2, 3, 4}, {2, 1, 2}), t64({1, 1, 2, -1}, {2, 2, 1}));
  EXPECT_EQ(bb.shape(), (xg::Shape{2, 1, 1}));
  EXPECT_TRUE(ValuesEqual(bb, {3, 2}));
  // [1, m, k] x [B, k, n]: the single a broadcast over both b entries.
  const auto ob = xg::matmul(t64({1, 2}, {1, 1, 2}), t64({1, 1, 2, -1}, {2, 2, 1}));
  EXPECT_EQ(ob.shape(), (xg::Shape{2, 1, 1}));
  EXPECT_TRUE(ValuesEqual(ob, {3, 0}));
  // The method form.
  EXPECT_TRUE(ValuesEqual(t64({1, 2, 3, 4}, {2, 2}).matmul(b), {19, 22, 43, 50}));
}

TEST(LinalgOpsValues, MatmulMatchesLoopReference) {
  xg::manual_seed(201);
  for (const auto& c : matmul_cases()) {
    SCOPED_TRACE(pair_str(c));
    const auto a = xg::randn(c.a, xg::kFloat64), b = xg::randn(c.b, xg::kFloat64);
    const auto y = xg::matmul(a, b);
    const Ref r = ref_matmul(a, b);
    EXPECT_EQ(y.shape(), r.shape);
    EXPECT_TRUE(ValuesEqual(y, r.values, kTol64));
  }
}

TEST(LinalgOpsValues, BmmTransposeFlags) {
  xg::manual_seed(202);
  const int64_t batch = 2, m = 2, k = 3, n = 4;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "ta " << ta << " tb " << tb);
      const auto a = xg::randn(ta ? xg::Shape{batch, k, m} : xg::Shape{batch, m, k}, xg::kFloat64);
      const auto b = xg::randn(tb ? xg::Shape{batch, n, k} : xg::Shape{batch, k, n}, xg::kFloat64);
      const auto y = xg::bmm(a, b, ta, tb);
      const Ref r = ref_matmul(ta ? transposed_batches(a) : a, tb ? transposed_batches(b) : b);
      EXPECT_EQ(y.shape(), (xg::Shape{batch, m, n}));
      EXPECT_TRUE(ValuesEqual(y, r.values, kTol64));
    }
  }
  // By hand: a = [[1, 2], [3, 4]] (one batch entry); a^T a = [[10, 14], [14, 20]],
  // a a^T = [[5, 11], [11, 25]].
  const auto a = t64({1, 2, 3, 4}, {1, 2, 2});
  EXPECT_TRUE(ValuesEqual(xg::bmm(a, a, true, false), {10, 14, 14, 20}));
  EXPECT_TRUE(ValuesEqual(xg::bmm(a, a, false, true), {5, 11, 11, 25}));
  EXPECT_TRUE(ValuesEqual(xg::bmm(a, a), {7, 10, 15, 22}));
  EXPECT_TRUE(ValuesEqual(xg::bmm(a, a, true, true), {7, 15, 10, 22}));  // (a a)^T
}

TEST(LinalgOpsValues, LinearAndOuter) {
  // x = {1, 2}, W = [[1, 0], [0, 1], [1, 1]], b = {0.5, -1, 2} -> W x + b = {1.5, 1, 5}
  const auto w = t64({1, 0, 0, 1, 1, 1}, {3, 2});
  const auto bias = t64({0.5, -1, 2}, {3});
  const auto y1 = xg::linear(t64({1, 2}, {2}), w, bias);
  EXPECT_EQ(y1.shape(), xg::Shape{3});
  EXPECT_TRUE(ValuesEqual(y1, {1.5, 1, 5}));
  EXPECT_TRUE(ValuesEqual(xg::linear(t64({1, 2}, {2}), w), {1, 2, 3}));
  // Two rows: {1, 2} and {-1, 3}
  const auto y2 = xg::linear(t64({1, 2, -1, 3}, {2, 2}), w, bias);
  EXPECT_EQ(y2.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(y2, {1.5, 1, 5, -0.5, 2, 4}));
  // [2, 1, 2] keeps its leading dims.
  const auto y3 = xg::linear(t64({1, 2, -1, 3}, {2, 1, 2}), w, bias);
  EXPECT_EQ(y3.shape(), (xg::Shape{2, 1, 3}));
  EXPECT_TRUE(ValuesEqual(y3, {1.5, 1, 5, -0.5, 2, 4}));

  const auto o = xg::outer(t64({1, 2}, {2}), t64({3, 4, 5}, {3}));
  EXPECT_EQ(o.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(o, {3, 4, 5, 6, 8, 10}));
}

TEST(LinalgOpsValues, LinearMatchesReference) {
  xg::manual_seed(203);
  for (const xg::Shape& xs : {xg::Shape{3}, xg::Shape{5, 3}, xg::Shape{2, 4, 3}, xg::Shape{1, 3}}) {
    SCOPED_TRACE(xg::shape_str(xs));
    const auto x = xg::randn(xs, xg::kFloat64);
    const auto w = xg::randn({4, 3}, xg::kFloat64);
    const auto b = xg::randn({4}, xg::kFloat64);
    const auto y = xg::linear(x, w, b);
    xg::Shape expected_shape = xs;
    expected_shape.back() = 4;
    EXPECT_EQ(y.shape(), expected_shape);
    // x W^T + b through the loop reference (W^T built by transposed_batches on [1, 4, 3]).
    const auto wt = transposed_batches(w.reshape({1, 4, 3})).reshape({3, 4});
    Ref r = ref_matmul(x.reshape({-1, 3}), wt);
    const auto vb = b.to_vector();
    for (size_t i = 0; i < r.values.size(); ++i) r.values[i] += vb[i % 4];
    EXPECT_TRUE(ValuesEqual(y, r.values, kTol64));
    EXPECT_TRUE(ValuesEqual(xg::linear(x, w), ref_matmul(x.reshape({-1, 3}), wt).values, kTol64));
  }
}

TEST(LinalgOpsValues, Float32) {
  const auto a = xg::tensor({{1.0, 2.0}, {3.0, 4.0}});
  const auto b = xg::tensor({{5.0, 6.0}, {7.0, 8.0}});
  const auto y = xg::matmul(a, b);
  EXPECT_EQ(y.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(y, {19, 22, 43, 50}));
  const auto l = xg::linear(xg::tensor({1.0, 2.0}), xg::tensor({{1.0, 0.0}, {1.0, 1.0}}),
                            xg::tensor({0.5, -1.0}));
  EXPECT_EQ(l.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(l, {1.5, 2}));
  EXPECT_EQ(xg::outer(xg::tensor({1.0, 2.0}), xg::tensor({3.0})).dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(xg::bmm(xg::tensor({{{1.0, 2.0}}}), xg::tensor({{{3.0}, {4.0}}})), {11}));
}

// ---------------------------------------------------------------------------------------------
// Edge shapes: k = 0 gives zeros, m = 0 or n = 0 gives empty results
// ---------------------------------------------------------------------------------------------

TEST(LinalgOpsEdge, EmptyInnerDimensionGivesZeros) {
  const auto a = xg::zeros({2, 0}, xg::kFloat64).requires_grad_();
  const auto b = xg::zeros({0, 3}, xg::kFloat64).requires_grad_();
  const auto y = xg::matmul(a, b);
  EXPECT_EQ(y.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(y, {0, 0, 0, 0, 0, 0}));
  y.sum().backward();
  ASSERT_TRUE(a.grad().defined());
  ASSERT_TRUE(b.grad().defined());
  EXPECT_EQ(a.grad().shape(), (xg::Shape{2, 0}));
  EXPECT_EQ(b.grad().shape(), (xg::Shape{0, 3}));

  const auto e = xg::zeros({0}, xg::kFloat64);
  const auto dot = xg::matmul(e, e);
  EXPECT_EQ(dot.shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(dot, {0}));
  EXPECT_TRUE(ValuesEqual(xg::matmul(xg::zeros({2, 0}, xg::kFloat64), e), {0, 0}));
  EXPECT_TRUE(ValuesEqual(xg::matmul(e, xg::zeros({0, 3}, xg::kFloat64)), {0, 0, 0}));
  const auto bz = xg::bmm(xg::zeros({2, 3, 0}, xg::kFloat64), xg::zeros({2, 0, 4}, xg::kFloat64));
  EXPECT_EQ(bz.shape(), (xg::Shape{2, 3, 4}));
  EXPECT_TRUE(ValuesEqual(bz, std::vector<double>(24, 0.0)));
  const auto bc =
      xg::matmul(xg::zeros({1, 2, 0}, xg::kFloat64), xg::zeros({2, 0, 3}, xg::kFloat64));
  EXPECT_EQ(bc.shape(), (xg::Shape{2, 2, 3}));
  EXPECT_TRUE(ValuesEqual(bc, std::vector<double>(12, 0.0)));
  // linear with no input features: the bias alone.
  const auto l = xg::linear(xg::zeros({2, 0}, xg::kFloat64), xg::zeros({3, 0}, xg::kFloat64),
                            t64({1, 2, 3}, {3}));
  EXPECT_EQ(l.shape(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(l, {1, 2, 3, 1, 2, 3}));
}

TEST(LinalgOpsEdge, EmptyOuterDimensions) {
  EXPECT_EQ(xg::matmul(xg::zeros({0, 3}, xg::kFloat64), xg::zeros({3, 2}, xg::kFloat64)).shape(),
            (xg::Shape{0, 2}));
  EXPECT_EQ(xg::matmul(xg::zeros({2, 3}, xg::kFloat64), xg::zeros({3, 0}, xg::kFloat64)).shape(),
            (xg::Shape{2, 0}));
  EXPECT_EQ(xg::outer(xg::zeros({0}, xg::kFloat64), xg::zeros({3}, xg::kFloat64)).shape(),
            (xg::Shape{0, 3}));
  EXPECT_EQ(xg::linear(xg::zeros({0, 2, 3}, xg::kFloat64), xg::zeros({4, 3}, xg::kFloat64)).shape(),
            (xg::Shape{0, 2, 4}));
}

// Regression (fixed): with k = 0 the paths that flatten through reshape(x, {-1, 0}) fail: matmul of
// [2, 3, 0] by [0, 4] and linear of x [2, 2, 0] or [0] with weight [3, 0] throw ShapeError
// "reshape: cannot view a tensor of shape [2, 3, 0] (0 elements) as [-1, 0]" (the -1 is ambiguous
// for 0 elements).
TEST(LinalgOpsEdge, EmptyInnerDimensionThroughFlatteningPaths) {
  const auto y = xg::matmul(xg::zeros({2, 3, 0}, xg::kFloat64), xg::zeros({0, 4}, xg::kFloat64));
  EXPECT_EQ(y.shape(), (xg::Shape{2, 3, 4}));
  EXPECT_TRUE(ValuesEqual(y, std::vector<double>(24, 0.0)));
  const auto w = xg::zeros({3, 0}, xg::kFloat64);
  const auto b = t64({1, 2, 3}, {3});
  const auto l3 = xg::linear(xg::zeros({2, 2, 0}, xg::kFloat64), w, b);
  EXPECT_EQ(l3.shape(), (xg::Shape{2, 2, 3}));
  EXPECT_TRUE(ValuesEqual(l3, {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}));
  const auto l1 = xg::linear(xg::zeros({0}, xg::kFloat64), w, b);
  EXPECT_EQ(l1.shape(), xg::Shape{3});
  EXPECT_TRUE(ValuesEqual(l1, {1, 2, 3}));
}

// ---------------------------------------------------------------------------------------------
// Gradients
// ---------------------------------------------------------------------------------------------

TEST(LinalgOpsGrad, MatmulGradcheck) {
  xg::manual_seed(204);
  for (const auto& c : matmul_cases()) {
    SCOPED_TRACE(pair_str(c));
    const auto a = randn_leaf(c.a), b = randn_leaf(c.b);
    EXPECT_TRUE(
        GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, b}));
  }
}

TEST(LinalgOpsGrad, MatmulGradcheckOneInputConstant) {
  xg::manual_seed(205);
  const auto a = randn_leaf({2, 2, 3});
  const auto b = xg::randn({1, 3, 4}, xg::kFloat64);
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, b}));
  const auto c = xg::randn({2, 3}, xg::kFloat64);
  const auto d = randn_leaf({2, 3, 4});
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {c, d}));
}

TEST(LinalgOpsGrad, MatmulGradgradcheck) {
  xg::manual_seed(206);
  for (const PairCase& c :
       {PairCase{{3}, {3}}, PairCase{{2, 3}, {3}}, PairCase{{3}, {3, 2}}, PairCase{{2, 3}, {3, 2}},
        PairCase{{2, 2, 3}, {3, 2}}, PairCase{{2, 3}, {2, 3, 2}}, PairCase{{1, 2, 3}, {2, 3, 2}},
        PairCase{{2, 2, 3}, {2, 3, 2}}}) {
    SCOPED_TRACE(pair_str(c));
    const auto a = randn_leaf(c.a), b = randn_leaf(c.b);
    EXPECT_TRUE(GradgradcheckPasses(
        [](const xg::TensorList& in) { return xg::matmul(in[0], in[1]); }, {a, b}));
  }
}

TEST(LinalgOpsGrad, BmmGradcheckAndGradgradcheck) {
  xg::manual_seed(207);
  const int64_t batch = 2, m = 2, k = 3, n = 2;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "ta " << ta << " tb " << tb);
      const auto a = randn_leaf(ta ? xg::Shape{batch, k, m} : xg::Shape{batch, m, k});
      const auto b = randn_leaf(tb ? xg::Shape{batch, n, k} : xg::Shape{batch, k, n});
      const auto fn = [ta, tb](const xg::TensorList& in) { return xg::bmm(in[0], in[1], ta, tb); };
      EXPECT_TRUE(GradcheckPasses(fn, {a, b}));
      EXPECT_TRUE(GradgradcheckPasses(fn, {a, b}));
    }
  }
  const auto one_a = randn_leaf({1, 1, 1}), one_b = randn_leaf({1, 1, 1});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::bmm(in[0], in[1], true, true); }, {one_a, one_b}));
}

TEST(LinalgOpsGrad, LinearGradcheckAndGradgradcheck) {
  xg::manual_seed(208);
  for (const xg::Shape& xs : {xg::Shape{3}, xg::Shape{2, 3}, xg::Shape{2, 2, 3}, xg::Shape{1, 3}}) {
    for (int64_t out : {int64_t{4}, int64_t{1}}) {
      SCOPED_TRACE(::testing::Message() << xg::shape_str(xs) << " out " << out);
      const auto x = randn_leaf(xs), w = randn_leaf({out, 3}), b = randn_leaf({out});
      const auto with_bias = [](const xg::TensorList& in) {
        return xg::linear(in[0], in[1], in[2]);
      };
      const auto no_bias = [](const xg::TensorList& in) { return xg::linear(in[0], in[1]); };
      EXPECT_TRUE(GradcheckPasses(with_bias, {x, w, b}));
      EXPECT_TRUE(GradcheckPasses(no_bias, {x, w}));
      EXPECT_TRUE(GradgradcheckPasses(with_bias, {x, w, b}));
      EXPECT_TRUE(GradgradcheckPasses(no_bias, {x, w}));
    }
  }
}

TEST(LinalgOpsGrad, LinearHandWorkedGradients) {
  // y = x W^T + b summed: dx = column sums of W, dW = x in every row, db = 1.
  const auto x = t64({1, 2}, {2}).requires_grad_();
  const auto w = t64({1, 0, 0, 1, 1, 1}, {3, 2}).requires_grad_();
  const auto b = t64({0.5, -1, 2}, {3}).requires_grad_();
  xg::linear(x, w, b).sum().backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {2, 2}));
  EXPECT_TRUE(ValuesEqual(w.grad(), {1, 2, 1, 2, 1, 2}));
  EXPECT_TRUE(ValuesEqual(b.grad(), {1, 1, 1}));
}

TEST(LinalgOpsGrad, OuterGradcheckAndGradgradcheck) {
  xg::manual_seed(209);
  for (const PairCase& c : {PairCase{{3}, {4}}, PairCase{{1}, {1}}, PairCase{{1}, {3}}}) {
    SCOPED_TRACE(pair_str(c));
    const auto a = randn_leaf(c.a), b = randn_leaf(c.b);
    const auto fn = [](const xg::TensorList& in) { return xg::outer(in[0], in[1]); };
    EXPECT_TRUE(GradcheckPasses(fn, {a, b}));
    EXPECT_TRUE(GradgradcheckPasses(fn, {a, b}));
  }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

TEST(LinalgOpsErrors, MatmulShapeErrors) {
  const auto z = [](const xg::Shape& s) { return xg::zeros(s, xg::kFloat64); };
  for (const PairCase& c :
       {PairCase{{2, 3}, {2, 3}}, PairCase{{3}, {4}}, PairCase{{2, 3}, {4}}, PairCase{{3}, {4, 2}},
        PairCase{{2, 2, 3}, {4, 5}}, PairCase{{2, 3}, {2, 4, 5}}, PairCase{{2, 2, 3}, {2, 4, 5}},
        PairCase{{1, 2, 3}, {2, 4, 5}}}) {
    SCOPED_TRACE(pair_str(c));
    EXPECT_THROW(xg::matmul(z(c.a), z(c.b)), xg::ShapeError);
    const auto msg = message_of<xg::ShapeError>([&] { xg::matmul(z(c.a), z(c.b)); });
    EXPECT_TRUE(Contains(msg, "matmul"));
    EXPECT_TRUE(Contains(msg, "inner dimensions"));
  }
  // [64, 10] x [5, 1]: the message names both inner sizes.
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         xg::matmul(z({64, 10}), z({5, 1}));
                       }),
                       "inner dimensions 10 and 5"));
  // Batch sizes that do not broadcast (at any rank; ranks above 3 broadcast since issue 13);
  // inner sizes that differ at rank 4; 0-d operands.
  EXPECT_THROW(xg::matmul(z({2, 2, 3}), z({3, 3, 4})), xg::ShapeError);
  EXPECT_THROW(xg::matmul(z({2, 2, 2, 2}), z({3, 2, 2})), xg::ShapeError);
  EXPECT_THROW(xg::matmul(z({1, 2, 2, 3}), z({2, 2})), xg::ShapeError);
  EXPECT_THROW(xg::matmul(z({}), z({2})), xg::ShapeError);
  for (const auto& msg : {message_of<xg::ShapeError>([&] {
                            xg::matmul(z({2, 2, 3}), z({3, 3, 4}));
                          }),
                          message_of<xg::ShapeError>([&] {
                            xg::matmul(z({2, 2, 2, 2}), z({3, 2, 2}));
                          }),
                          message_of<xg::ShapeError>([&] { xg::matmul(z({}), z({2})); })}) {
    EXPECT_TRUE(Contains(msg, "matmul"));
  }
}

TEST(LinalgOpsErrors, MatmulDTypeErrors) {
  const auto f32 = xg::ones({2, 2});
  const auto f64 = xg::ones({2, 2}, xg::kFloat64);
  EXPECT_THROW(xg::matmul(f32, f64), xg::DTypeError);
  EXPECT_THROW(xg::matmul(f64, f32), xg::DTypeError);
  EXPECT_THROW(xg::bmm(xg::ones({1, 2, 2}), xg::ones({1, 2, 2}, xg::kFloat64)), xg::DTypeError);
  EXPECT_THROW(xg::outer(xg::ones({2}), xg::ones({2}, xg::kFloat64)), xg::DTypeError);
  const auto i64 = xg::tensor({{1, 2}, {3, 4}}, xg::kInt64);
  EXPECT_THROW(xg::matmul(i64, i64), xg::DTypeError);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xg::matmul(f32, f64); }), "matmul"));
  EXPECT_TRUE(Contains(
      message_of<xg::DTypeError>([] { xg::outer(xg::ones({2}), xg::ones({2}, xg::kFloat64)); }),
      "outer"));
}

TEST(LinalgOpsErrors, BmmErrors) {
  const auto z = [](const xg::Shape& s) { return xg::zeros(s, xg::kFloat64); };
  EXPECT_THROW(xg::bmm(z({2, 3}), z({3, 2})), xg::ShapeError);
  EXPECT_THROW(xg::bmm(z({2, 2, 3}), z({3, 3, 2})), xg::ShapeError);  // batch sizes differ
  EXPECT_THROW(xg::bmm(z({2, 2, 3}), z({2, 2, 3})), xg::ShapeError);  // inner 3 vs 2
  EXPECT_THROW(xg::bmm(z({2, 3, 2}), z({2, 2, 4}), true, false), xg::ShapeError);
  EXPECT_THROW(xg::bmm(z({2, 2, 3}), z({2, 4, 2}), false, true), xg::ShapeError);
  const auto msg = message_of<xg::ShapeError>([&] { xg::bmm(z({2, 2, 3}), z({2, 2, 3})); });
  EXPECT_TRUE(Contains(msg, "matmul"));
  EXPECT_TRUE(Contains(msg, "inner dimensions"));
  // Transposed shapes that fit are accepted.
  EXPECT_EQ(xg::bmm(z({2, 3, 2}), z({2, 4, 3}), true, true).shape(), (xg::Shape{2, 2, 4}));
}

TEST(LinalgOpsErrors, LinearErrors) {
  const auto z = [](const xg::Shape& s) { return xg::zeros(s, xg::kFloat64); };
  EXPECT_THROW(xg::linear(z({2, 3}), z({4, 2})), xg::ShapeError);             // in features
  EXPECT_THROW(xg::linear(z({2, 3}), z({4, 3}), z({3})), xg::ShapeError);     // bias length
  EXPECT_THROW(xg::linear(z({2, 3}), z({4, 3}), z({1, 4})), xg::ShapeError);  // bias rank
  EXPECT_THROW(xg::linear(z({2, 3}), z({3})), xg::ShapeError);                // weight rank
  EXPECT_THROW(xg::linear(z({}), z({4, 1})), xg::ShapeError);                 // 0-d input
  EXPECT_THROW(xg::linear(xg::zeros({2, 3}), z({4, 3})), xg::DTypeError);
  EXPECT_THROW(xg::linear(z({2, 3}), z({4, 3}), xg::zeros({4})), xg::DTypeError);
  const auto msg = message_of<xg::ShapeError>([&] { xg::linear(z({2, 3}), z({4, 3}), z({3})); });
  EXPECT_TRUE(Contains(msg, "linear"));
  EXPECT_TRUE(Contains(msg, "[3]"));
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         xg::linear(z({2, 3}), z({4, 2}));
                       }),
                       "linear"));
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] {
                         xg::linear(z({2, 3}), z({4, 3}), xg::zeros({4}));
                       }),
                       "linear"));
}

TEST(LinalgOpsErrors, OuterErrors) {
  const auto z = [](const xg::Shape& s) { return xg::zeros(s, xg::kFloat64); };
  EXPECT_THROW(xg::outer(z({2, 1}), z({3})), xg::ShapeError);
  EXPECT_THROW(xg::outer(z({2}), z({})), xg::ShapeError);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { xg::outer(z({2, 1}), z({3})); }), "outer"));
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

TEST(LinalgOpsRegistry, CallByName) {
  namespace ops = xg::ops;
  const auto a = t64({1, 2, 3, 4}, {2, 2});
  const auto b = t64({5, 6, 7, 8}, {2, 2});
  EXPECT_TRUE(ValuesEqual(ops::call("matmul", {a, b})[0], {19, 22, 43, 50}));
  EXPECT_TRUE(ValuesEqual(ops::call("outer", {t64({1, 2}, {2}), t64({3, 4, 5}, {3})})[0],
                          {3, 4, 5, 6, 8, 10}));
  const auto w = t64({1, 0, 0, 1, 1, 1}, {3, 2});
  const auto x = t64({1, 2}, {2});
  EXPECT_TRUE(ValuesEqual(ops::call("linear", {x, w, t64({0.5, -1, 2}, {3})})[0], {1.5, 1, 5}));
  EXPECT_TRUE(ValuesEqual(ops::call("linear", {x, w})[0], {1, 2, 3}));
  EXPECT_THROW(ops::call("linear", {x}), xg::ValueError);
  EXPECT_THROW(ops::call("linear", {x, w, w, w}), xg::ValueError);
  EXPECT_TRUE(ValuesEqual(ops::call("mm", {a, a}, {{"transpose_a", true}})[0], {10, 14, 14, 20}));
  EXPECT_TRUE(ValuesEqual(ops::call("mm", {a, a}, {{"transpose_b", true}})[0], {5, 11, 11, 25}));
  EXPECT_THROW(ops::call("matmul", {a, t64({1, 2, 3}, {3})}), xg::ShapeError);
}

TEST(LinalgOpsRegistry, CallByNameIsDifferentiable) {
  xg::manual_seed(210);
  const auto a = randn_leaf({2, 2, 3}), b = randn_leaf({3, 2});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::ops::call("matmul", in)[0]; }, {a, b}));
  const auto x = randn_leaf({2, 3}), w = randn_leaf({4, 3}), bias = randn_leaf({4});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::ops::call("linear", in)[0]; }, {x, w, bias}));
}

// Regression (fixed): bmm is a public op (ops/linalg.hpp) but has no registry entry:
// ops::has("bmm") is false and ops::call("bmm", ...) throws ValueError "no op named 'bmm'" ("mm" is
// registered with its transpose flags; bmm should be too).
TEST(LinalgOpsRegistry, BmmReachableByName) {
  ASSERT_TRUE(xg::ops::has("bmm"));
  const auto a = t64({1, 2, 3, 4}, {1, 2, 2});
  EXPECT_TRUE(
      ValuesEqual(xg::ops::call("bmm", {a, a}, {{"transpose_a", true}, {"transpose_b", false}})[0],
                  {10, 14, 14, 20}));
}

}  // namespace
