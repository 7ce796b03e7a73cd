// Reductions (sum, mean, max, min, var, norm, logsumexp, argmax): hand-worked values in
// float64 and float32, gradcheck / gradgradcheck on seeded random inputs and edge shapes,
// tie handling of max/min, empty dims, errors and the registry entries.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

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
constexpr double kTol32 = 1e-5;

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

TEST(ReduceOpsValues, SumAndMean) {
  const auto x = t64({1, 2, 3, 4, 5, 6}, {2, 3});
  EXPECT_EQ(xg::sum(x).shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(xg::sum(x), {21}));
  EXPECT_TRUE(ValuesEqual(xg::sum(x, {0}), {5, 7, 9}));
  EXPECT_EQ(xg::sum(x, {1}, true).shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(xg::sum(x, {1}, true), {6, 15}));
  EXPECT_TRUE(ValuesEqual(xg::sum(x, {0, 1}), {21}));
  EXPECT_TRUE(ValuesEqual(xg::mean(x), {3.5}));
  EXPECT_TRUE(ValuesEqual(xg::mean(x, {0}), {2.5, 3.5, 4.5}));
  EXPECT_EQ(xg::mean(x, {-1}, true).shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(xg::mean(x, {-1}, true), {2, 5}));
}

TEST(ReduceOpsValues, MaxMinListAndIntDim) {
  // x = [[1, 5, 3],
  //      [4, 2, 6]]
  const auto x = t64({1, 5, 3, 4, 2, 6}, {2, 3});
  EXPECT_EQ(xg::max(x).shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(xg::max(x), {6}));
  EXPECT_TRUE(ValuesEqual(xg::min(x), {1}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, 1), {5, 6}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, xg::Shape{1}), {5, 6}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, xg::Shape{0}), {4, 5, 6}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, -1), {5, 6}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, xg::Shape{0, 1}), {6}));
  EXPECT_TRUE(ValuesEqual(xg::min(x, 1), {1, 2}));
  EXPECT_TRUE(ValuesEqual(xg::min(x, xg::Shape{0}), {1, 2, 3}));
  const auto kept = xg::min(x, 0, true);
  EXPECT_EQ(kept.shape(), (xg::Shape{1, 3}));
  EXPECT_TRUE(ValuesEqual(kept, {1, 2, 3}));
  EXPECT_EQ(xg::max(x, xg::Shape{1}, true).shape(), (xg::Shape{2, 1}));
  EXPECT_EQ(xg::max(x, xg::Shape{}, true).shape(), (xg::Shape{1, 1}));
}

TEST(ReduceOpsValues, VarUnbiasedAndBiased) {
  const auto x = t64({1, 2, 3, 4}, {4});
  // mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5: 5/3 unbiased, 5/4 biased.
  EXPECT_TRUE(ValuesEqual(xg::var(x), {5.0 / 3.0}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::var(x, {}, true), {1.6666666666666667}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::var(x, {}, false), {1.25}, kTol64));
  // m = [[1, 2],
  //      [3, 5]]: rows {1, 2} -> 0.5 / 0.25, {3, 5} -> 2 / 1; columns {1, 3} -> 2 / 1,
  // {2, 5} -> 4.5 / 2.25 (unbiased / biased).
  const auto m = t64({1, 2, 3, 5}, {2, 2});
  EXPECT_TRUE(ValuesEqual(xg::var(m, {1}), {0.5, 2}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::var(m, {1}, false), {0.25, 1}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::var(m, {0}), {2, 4.5}, kTol64));
  const auto kept = xg::var(m, {0}, false, true);
  EXPECT_EQ(kept.shape(), (xg::Shape{1, 2}));
  EXPECT_TRUE(ValuesEqual(kept, {1, 2.25}, kTol64));
}

TEST(ReduceOpsValues, NormP1AndP2) {
  EXPECT_TRUE(ValuesEqual(xg::norm(t64({3, -4}, {2})), {5}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::norm(t64({3, -4}, {2}), 2), {5}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::norm(t64({3, -4}, {2}), 1), {7}, kTol64));
  // m = [[3, -4],
  //      [1,  2]]
  const auto m = t64({3, -4, 1, 2}, {2, 2});
  EXPECT_TRUE(ValuesEqual(xg::norm(m), {5.477225575051661}, kTol64));  // sqrt(30)
  EXPECT_TRUE(ValuesEqual(xg::norm(m, 1), {10}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::norm(m, 2, {1}), {5, 2.23606797749979}, kTol64));  // sqrt(5)
  EXPECT_TRUE(ValuesEqual(xg::norm(m, 1, {1}), {7, 3}, kTol64));
  EXPECT_TRUE(ValuesEqual(xg::norm(m, 1, {0}), {4, 6}, kTol64));
  const auto kept = xg::norm(m, 2, {0}, true);
  EXPECT_EQ(kept.shape(), (xg::Shape{1, 2}));
  EXPECT_TRUE(ValuesEqual(kept, {3.1622776601683795, 4.47213595499958}, kTol64));
}

TEST(ReduceOpsValues, Logsumexp) {
  // log(e + e^2 + e^3) = 3.40760596444438
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(t64({1, 2, 3}, {3}), {0}), {3.4076059644443806}, kTol64));
  const auto m = t64({1, 2, 3, 0, 0, 0}, {2, 3});
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(m, {1}), {3.4076059644443806, 1.0986122886681098}, kTol64));
  const auto kept = xg::logsumexp(m, {1}, true);
  EXPECT_EQ(kept.shape(), (xg::Shape{2, 1}));
  EXPECT_EQ(xg::logsumexp(m, {}).shape(), xg::Shape{});
  // Stable: no overflow or underflow to +-inf.
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(t64({1000, 1000}, {2}), {0}), {1000.6931471805599}, 1e-9));
  EXPECT_TRUE(
      ValuesEqual(xg::logsumexp(t64({-1000, -1000}, {2}), {0}), {-999.3068528194401}, 1e-9));
  // -inf entries contribute nothing; an all -inf slice gives -inf (not NaN).
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(t64({-inf, 0}, {2}), {0}), {0}, kTol64));
  const double all_neg_inf = xg::logsumexp(t64({-inf, -inf}, {2}), {0}).item();
  EXPECT_TRUE(std::isinf(all_neg_inf) && all_neg_inf < 0) << all_neg_inf;
}

TEST(ReduceOpsValues, ArgmaxFirstMaxWins) {
  // x = [[1, 5, 5],
  //      [7, 2, 7]]
  const auto x = t64({1, 5, 5, 7, 2, 7}, {2, 3});
  const auto rows = xg::argmax(x, 1);
  EXPECT_EQ(rows.dtype(), xg::kInt64);
  EXPECT_EQ(rows.shape(), xg::Shape{2});
  EXPECT_TRUE(ValuesEqual(rows, {1, 0}));
  EXPECT_TRUE(ValuesEqual(xg::argmax(x, 0), {1, 0, 1}));
  EXPECT_TRUE(ValuesEqual(xg::argmax(x, -1), {1, 0}));
  const auto kept = xg::argmax(x, 1, true);
  EXPECT_EQ(kept.shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(kept, {1, 0}));
  const auto flat = xg::argmax(x);
  EXPECT_EQ(flat.dtype(), xg::kInt64);
  EXPECT_EQ(flat.shape(), xg::Shape{});
  EXPECT_EQ(flat.item(), 3);  // the first 7
  EXPECT_FALSE(flat.requires_grad());
  EXPECT_FALSE(xg::argmax(randn_leaf({3, 4}), 1).requires_grad());
}

TEST(ReduceOpsValues, ArgmaxFloat32AndNaN) {
  const auto x = xg::tensor({{0.5, -1.0}, {2.0, 3.0}}, xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(xg::argmax(x, 1), {0, 1}));
  EXPECT_EQ(xg::argmax(x).item(), 3);
  // As PyTorch: NaN counts as the maximum.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(xg::argmax(t64({1, nan, 3}, {3})).item(), 1);
}

TEST(ReduceOpsValues, Float32) {
  const auto x = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat32);
  for (const auto& y : {xg::sum(x), xg::mean(x, {0}), xg::Tensor(xg::max(x, 1)), xg::min(x),
                        xg::var(x), xg::norm(x, 1), xg::logsumexp(x, {1})}) {
    EXPECT_EQ(y.dtype(), xg::kFloat32);
  }
  EXPECT_TRUE(ValuesEqual(xg::sum(x), {10}));
  EXPECT_TRUE(ValuesEqual(xg::mean(x, {0}), {2, 3}));
  EXPECT_TRUE(ValuesEqual(xg::max(x, 1), {2, 4}));
  EXPECT_TRUE(ValuesEqual(xg::min(x), {1}));
  EXPECT_TRUE(ValuesEqual(xg::var(xg::tensor({1.0, 2.0, 3.0, 4.0})), {1.6666667}, kTol32));
  EXPECT_TRUE(ValuesEqual(xg::var(xg::tensor({1.0, 2.0, 3.0, 4.0}), {}, false), {1.25}, kTol32));
  EXPECT_TRUE(ValuesEqual(xg::norm(x), {5.4772256}, kTol32));
  EXPECT_TRUE(ValuesEqual(xg::norm(x, 1), {10}, kTol32));
  // log(e^1 + e^2) = 2.3132617, log(e^3 + e^4) = 4.3132617
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(x, {1}), {2.3132617, 4.3132617}, kTol32));
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(xg::tensor({1e4, 1e4}), {0}), {1e4 + 0.6931472}, 1e-2));
}

// ---------------------------------------------------------------------------------------------
// Gradients
// ---------------------------------------------------------------------------------------------

struct DimsCase {
  xg::Shape shape;
  xg::Shape dims;
  bool keepdim;
};

const std::vector<DimsCase>& dims_cases() {
  static const std::vector<DimsCase> cases = {
      {{3, 4}, {}, false},    {{3, 4}, {}, true},        {{3, 4}, {0}, false},
      {{3, 4}, {1}, true},    {{3, 4}, {-1}, false},     {{2, 3, 4}, {0, 2}, false},
      {{2, 3, 4}, {1}, true}, {{2, 3, 4}, {2, 0}, true}, {{2, 3, 4}, {0, 1, 2}, false},
      {{1}, {}, false},       {{1}, {0}, true},          {{1, 1}, {1}, false},
      {{3, 1}, {1}, false},   {{1, 4}, {0}, true},       {{1, 4}, {1}, false},
      {{5}, {0}, false},      {{}, {}, false},
  };
  return cases;
}

std::string case_str(const DimsCase& c) {
  return xg::shape_str(c.shape) + " dims " + xg::shape_str(c.dims) + (c.keepdim ? " keepdim" : "");
}

TEST(ReduceOpsGrad, SumMeanMaxMinGradcheck) {
  xg::manual_seed(101);
  for (const auto& c : dims_cases()) {
    SCOPED_TRACE(case_str(c));
    const auto x = randn_leaf(c.shape);
    const auto d = c.dims;
    const bool k = c.keepdim;
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::sum(in[0], d, k); }, {x}));
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::mean(in[0], d, k); }, {x}));
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::max(in[0], d, k); }, {x}));
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::min(in[0], d, k); }, {x}));
  }
}

TEST(ReduceOpsGrad, MaxMinIntDimGradcheck) {
  xg::manual_seed(102);
  const auto x = randn_leaf({3, 5});
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return xg::max(in[0], 1); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::max(in[0], 0, true); }, {x}));
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return xg::min(in[0], -1); }, {x}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::min(in[0], 0, true); }, {x}));
}

TEST(ReduceOpsGrad, VarNormLogsumexpGradcheck) {
  xg::manual_seed(103);
  for (const auto& c : dims_cases()) {
    SCOPED_TRACE(case_str(c));
    const auto d = c.dims;
    const bool k = c.keepdim;
    const auto x = randn_leaf(c.shape);
    // var needs at least two elements per slice for the unbiased estimate to be finite.
    const int64_t count = [&] {
      if (d.empty()) return xg::shape_numel(c.shape);
      int64_t n = 1;
      for (int64_t dim : d)
        n *= c.shape[xg::normalize_dim(dim, static_cast<int64_t>(c.shape.size()), "test")];
      return n;
    }();
    if (count > 1) {
      EXPECT_TRUE(GradcheckPasses(
          [&](const xg::TensorList& in) { return xg::var(in[0], d, true, k); }, {x}));
    }
    EXPECT_TRUE(GradcheckPasses(
        [&](const xg::TensorList& in) { return xg::var(in[0], d, false, k); }, {x}));
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::norm(in[0], 2, d, k); }, {x}));
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return xg::logsumexp(in[0], d, k); }, {x}));
    // p = 1 is not differentiable at 0: keep every entry away from it.
    const auto away = xgtest::away_from_zero_leaf(c.shape);
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return xg::norm(in[0], 1, d, k); },
                                {away}));
  }
}

TEST(ReduceOpsGrad, LogsumexpLargeInputsGradientIsSoftmax) {
  const auto x = t64({1000, 1000, -1000}, {3}).requires_grad_();
  xg::logsumexp(x, {0}).backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0.5, 0.5, 0}, kTol64));
}

TEST(ReduceOpsGrad, Gradgradcheck) {
  xg::manual_seed(104);
  for (const DimsCase& c : {DimsCase{{3, 4}, {}, false}, DimsCase{{3, 4}, {1}, true},
                            DimsCase{{2, 3, 4}, {0, 2}, false}, DimsCase{{1, 4}, {1}, false}}) {
    SCOPED_TRACE(case_str(c));
    const auto x = randn_leaf(c.shape);
    const auto d = c.dims;
    const bool k = c.keepdim;
    EXPECT_TRUE(
        GradgradcheckPasses([&](const xg::TensorList& in) { return xg::sum(in[0], d, k); }, {x}));
    EXPECT_TRUE(
        GradgradcheckPasses([&](const xg::TensorList& in) { return xg::mean(in[0], d, k); }, {x}));
    EXPECT_TRUE(GradgradcheckPasses(
        [&](const xg::TensorList& in) { return xg::var(in[0], d, true, k); }, {x}));
    EXPECT_TRUE(GradgradcheckPasses(
        [&](const xg::TensorList& in) { return xg::var(in[0], d, false, k); }, {x}));
    EXPECT_TRUE(GradgradcheckPasses(
        [&](const xg::TensorList& in) { return xg::logsumexp(in[0], d, k); }, {x}));
  }
}

TEST(ReduceOpsGrad, HandWorkedGradients) {
  // d var / dx_i = 2 (x_i - mean) / (n - 1): x = {1, 2, 3, 4}, mean 2.5 -> {-1, -1/3, 1/3, 1}.
  const auto x = t64({1, 2, 3, 4}, {4}).requires_grad_();
  xg::var(x).backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {-1, -1.0 / 3, 1.0 / 3, 1}, kTol64));
  // d |x|_2 = x / |x|:  {3, -4} -> {0.6, -0.8};  d |x|_1 = sign(x) -> {1, -1}.
  const auto v = t64({3, -4}, {2}).requires_grad_();
  xg::norm(v).backward();
  EXPECT_TRUE(ValuesEqual(v.grad(), {0.6, -0.8}, kTol64));
  const auto w = t64({3, -4}, {2}).requires_grad_();
  xg::norm(w, 1).backward();
  EXPECT_TRUE(ValuesEqual(w.grad(), {1, -1}, kTol64));
  // d mean over dim 1 of a [2, 2]: 1/2 each.
  const auto m = t64({1, 2, 3, 4}, {2, 2}).requires_grad_();
  xg::mean(m, {1}).sum().backward();
  EXPECT_TRUE(ValuesEqual(m.grad(), {0.5, 0.5, 0.5, 0.5}, kTol64));
}

TEST(ReduceOpsGrad, MaxMinTiesShareGradientEqually) {
  // Like torch.amax: k tied extremes get 1/k of the gradient each.
  const auto x = t64({3, 1, 3, 2}, {4}).requires_grad_();
  xg::max(x).backward();
  EXPECT_TRUE(ValuesEqual(x.grad(), {0.5, 0, 0.5, 0}, kTol64));

  const auto y = t64({1, 1, 1}, {3}).requires_grad_();
  xg::min(y).backward();
  EXPECT_TRUE(ValuesEqual(y.grad(), {1.0 / 3, 1.0 / 3, 1.0 / 3}, kTol64));

  // m = [[2, 2, 1],
  //      [0, 4, 4]]: row maxima 2 and 4, each tied twice; upstream gradient {1, 10}.
  const auto m = t64({2, 2, 1, 0, 4, 4}, {2, 3}).requires_grad_();
  xg::max(m, 1).backward(t64({1, 10}, {2}));
  EXPECT_TRUE(ValuesEqual(m.grad(), {0.5, 0.5, 0, 0, 5, 5}, kTol64));

  // Column minima of m: {0, 2, 1}, no ties; with keepdim.
  const auto n = t64({2, 2, 1, 0, 4, 4}, {2, 3}).requires_grad_();
  xg::min(n, 0, true).backward(t64({1, 2, 3}, {1, 3}));
  EXPECT_TRUE(ValuesEqual(n.grad(), {0, 2, 3, 1, 0, 0}, kTol64));

  // A tie across a two-dim reduction: four maxima of 7 over the whole [2, 2, 2].
  const auto c = t64({7, 1, 7, 2, 3, 7, 0, 7}, {2, 2, 2}).requires_grad_();
  xg::max(c, {0, 2}).sum().backward();
  // Slices over dim 1: j = 0 holds {7, 1, 3, 7} (two 7s), j = 1 holds {7, 2, 0, 7} (two 7s).
  EXPECT_TRUE(ValuesEqual(c.grad(), {0.5, 0, 0.5, 0, 0, 0.5, 0, 0.5}, kTol64));
}

// ---------------------------------------------------------------------------------------------
// Edge shapes: 0-d, size-1 and empty dims
// ---------------------------------------------------------------------------------------------

TEST(ReduceOpsEdge, ZeroDimInput) {
  const auto s = xg::tensor(3.0, xg::kFloat64);
  EXPECT_EQ(xg::sum(s).shape(), xg::Shape{});
  EXPECT_TRUE(ValuesEqual(xg::sum(s), {3}));
  EXPECT_TRUE(ValuesEqual(xg::mean(s), {3}));
  EXPECT_TRUE(ValuesEqual(xg::max(s), {3}));
  EXPECT_TRUE(ValuesEqual(xg::min(s), {3}));
  EXPECT_TRUE(ValuesEqual(xg::norm(s), {3}));
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(s, {}), {3}));
  EXPECT_EQ(xg::argmax(s).item(), 0);
  EXPECT_EQ(xg::argmax(s, 0).item(), 0);
  EXPECT_TRUE(ValuesEqual(xg::var(s, {}, false), {0}));
}

// Regression (fixed): an explicit dim 0 (or -1) on a 0-d tensor is accepted by normalize_dim but
// crashes the reduction: sum(s, {0}) and norm(s, 2, {0}) throw std::bad_array_new_length (not an
// xgrad::Error), and max/min/mean/var/logsumexp(s, {0}) segfault.
TEST(ReduceOpsEdge, ZeroDimInputWithExplicitDim) {
  const auto s = xg::tensor(3.0, xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(xg::sum(s, {0}), {3}));
  EXPECT_TRUE(ValuesEqual(xg::sum(s, {-1}, true), {3}));
  EXPECT_TRUE(ValuesEqual(xg::mean(s, {0}), {3}));
  EXPECT_TRUE(ValuesEqual(xg::max(s, 0), {3}));
  EXPECT_TRUE(ValuesEqual(xg::min(s, 0), {3}));
  EXPECT_TRUE(ValuesEqual(xg::norm(s, 2, {0}), {3}));
  EXPECT_TRUE(ValuesEqual(xg::logsumexp(s, {0}), {3}));
}

TEST(ReduceOpsEdge, SumOverEmptyDimGivesZeros) {
  const auto x = xg::zeros({2, 0}, xg::kFloat64).requires_grad_();
  const auto rows = xg::sum(x, {1});
  EXPECT_EQ(rows.shape(), xg::Shape{2});
  EXPECT_TRUE(ValuesEqual(rows, {0, 0}));
  EXPECT_EQ(xg::sum(x, {1}, true).shape(), (xg::Shape{2, 1}));
  EXPECT_EQ(xg::sum(x, {0}).shape(), xg::Shape{0});
  EXPECT_TRUE(ValuesEqual(xg::sum(x), {0}));
  rows.backward(t64({1, 1}, {2}));
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().shape(), (xg::Shape{2, 0}));
  // The empty sum's norm is 0; the empty mean is NaN, as in PyTorch.
  EXPECT_TRUE(ValuesEqual(xg::norm(x, 2, {1}), {0, 0}));
  EXPECT_TRUE(ValuesEqual(xg::norm(x, 1, {1}), {0, 0}));
  for (double v : xg::mean(x, {1}).to_vector()) EXPECT_TRUE(std::isnan(v));
  EXPECT_TRUE(std::isnan(xg::mean(x).item()));
  // argmax over a non-empty dim of an empty tensor: empty int64 result.
  const auto a = xg::argmax(xg::zeros({0, 3}, xg::kFloat64), 1);
  EXPECT_EQ(a.shape(), xg::Shape{0});
  EXPECT_EQ(a.dtype(), xg::kInt64);
}

// Regression (fixed): reducing a non-empty dim of a tensor that has another, empty, dim segfaults:
// sum(zeros({0, 3}), {1}), mean(..., {1}), max/min(..., 1), var(..., {1}), norm(..., 2, {1}) and
// logsumexp(..., {1}) all crash (SIGSEGV) instead of returning an empty [0] tensor as PyTorch does.
TEST(ReduceOpsEdge, ReduceNonEmptyDimOfEmptyTensor) {
  const auto x = xg::zeros({0, 3}, xg::kFloat64);
  EXPECT_EQ(xg::sum(x, {1}).shape(), xg::Shape{0});
  EXPECT_EQ(xg::sum(x, {1}, true).shape(), (xg::Shape{0, 1}));
  EXPECT_EQ(xg::mean(x, {1}).shape(), xg::Shape{0});
  EXPECT_EQ(xg::max(x, 1).shape(), xg::Shape{0});
  EXPECT_EQ(xg::min(x, 1).shape(), xg::Shape{0});
  EXPECT_EQ(xg::var(x, {1}).shape(), xg::Shape{0});
  EXPECT_EQ(xg::norm(x, 2, {1}).shape(), xg::Shape{0});
  EXPECT_EQ(xg::logsumexp(x, {1}).shape(), xg::Shape{0});
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

TEST(ReduceOpsErrors, Types) {
  const auto x = xg::ones({2, 3}, xg::kFloat64);
  EXPECT_THROW(xg::sum(x, {2}), xg::IndexError);
  EXPECT_THROW(xg::sum(x, {-3}), xg::IndexError);
  EXPECT_THROW(xg::mean(x, {5}), xg::IndexError);
  EXPECT_THROW(xg::max(x, 2), xg::IndexError);
  EXPECT_THROW(xg::min(x, xg::Shape{-3}), xg::IndexError);
  EXPECT_THROW(xg::var(x, {2}), xg::IndexError);
  EXPECT_THROW(xg::logsumexp(x, {2}), xg::IndexError);
  EXPECT_THROW(xg::argmax(x, 2), xg::IndexError);
  EXPECT_THROW(xg::sum(x, {0, 0}), xg::ValueError);
  EXPECT_THROW(xg::sum(x, {1, -1}), xg::ValueError);
  EXPECT_THROW(xg::max(x, xg::Shape{0, -2}), xg::ValueError);
  EXPECT_THROW(xg::max(xg::zeros({2, 0}), xg::Shape{1}), xg::ValueError);
  EXPECT_THROW(xg::min(xg::zeros({0})), xg::ValueError);
  EXPECT_THROW(xg::argmax(xg::zeros({0})), xg::ValueError);
  EXPECT_THROW(xg::norm(x, 3), xg::ValueError);
  EXPECT_THROW(xg::norm(x, 0), xg::ValueError);
  // int64 sums and maxima are int64 since issue 13; a mean is not defined (as in libtorch).
  EXPECT_EQ(xg::sum(xg::tensor({1, 2}, xg::kInt64)).dtype(), xg::kInt64);
  EXPECT_EQ(xg::max(xg::tensor({1, 2}, xg::kInt64)).item<int64_t>(), 2);
  EXPECT_THROW(xg::mean(xg::tensor({1, 2}, xg::kInt64)), xg::DTypeError);
}

TEST(ReduceOpsErrors, MessagesNameTheOp) {
  const auto x = xg::ones({2, 3}, xg::kFloat64);
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { xg::sum(x, {2}); }), "sum"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { xg::max(x, 2); }), "max"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { xg::min(x, 2); }), "min"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { xg::var(x, {2}); }), "var"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { xg::argmax(x, 2); }), "argmax"));
  const auto twice = message_of<xg::ValueError>([&] { xg::sum(x, {1, -1}); });
  EXPECT_TRUE(Contains(twice, "sum"));
  EXPECT_TRUE(Contains(twice, "twice"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { xg::max(x, xg::Shape{0, 0}); }), "max"));
  const auto empty = message_of<xg::ValueError>([] { xg::max(xg::zeros({2, 0}), 1); });
  EXPECT_TRUE(Contains(empty, "max"));
  EXPECT_TRUE(Contains(empty, "size 0"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { xg::min(xg::zeros({0})); }), "min"));
  const auto p3 = message_of<xg::ValueError>([&] { xg::norm(x, 3); });
  EXPECT_TRUE(Contains(p3, "norm"));
  EXPECT_TRUE(Contains(p3, "3"));
}

// ---------------------------------------------------------------------------------------------
// Registry
// ---------------------------------------------------------------------------------------------

TEST(ReduceOpsRegistry, CallByName) {
  namespace ops = xg::ops;
  const auto x = t64({1, 5, 3, 4, 2, 6}, {2, 3});
  const auto s = ops::call("sum", {x}, {{"dims", xg::Shape{1}}, {"keepdim", true}})[0];
  EXPECT_EQ(s.shape(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(s, {9, 12}));
  EXPECT_TRUE(ValuesEqual(ops::call("sum", {x})[0], {21}));
  EXPECT_TRUE(ValuesEqual(ops::call("mean", {x}, {{"dims", xg::Shape{0}}})[0], {2.5, 3.5, 4.5}));
  EXPECT_TRUE(ValuesEqual(ops::call("max", {x}, {{"dims", xg::Shape{1}}})[0], {5, 6}));
  EXPECT_TRUE(ValuesEqual(ops::call("min", {x}, {{"dims", xg::Shape{0}}})[0], {1, 2, 3}));
  const auto v = t64({1, 2, 3, 4}, {4});
  EXPECT_TRUE(ValuesEqual(ops::call("var", {v})[0], {5.0 / 3}, kTol64));
  EXPECT_TRUE(ValuesEqual(ops::call("var", {v}, {{"unbiased", false}})[0], {1.25}, kTol64));
  const auto n = t64({3, -4}, {2});
  EXPECT_TRUE(ValuesEqual(ops::call("norm", {n})[0], {5}, kTol64));
  EXPECT_TRUE(ValuesEqual(ops::call("norm", {n}, {{"p", 1.0}})[0], {7}, kTol64));
  EXPECT_TRUE(
      ValuesEqual(ops::call("logsumexp", {t64({1, 2, 3}, {3})}, {{"dims", xg::Shape{0}}})[0],
                  {3.4076059644443806}, kTol64));
  const auto am = ops::call("argmax", {x}, {{"dim", int64_t{1}}})[0];
  EXPECT_EQ(am.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(am, {1, 2}));
  EXPECT_EQ(ops::call("argmax", {x})[0].item(), 5);
  EXPECT_THROW(ops::call("norm", {n}, {{"p", 3.0}}), xg::ValueError);
  EXPECT_THROW(ops::call("sum", {x}, {{"dims", xg::Shape{2}}}), xg::IndexError);
}

TEST(ReduceOpsRegistry, CallByNameIsDifferentiable) {
  xg::manual_seed(105);
  const auto x = randn_leaf({3, 4});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return xg::ops::call("max", in, {{"dims", xg::Shape{1}}, {"keepdim", true}})[0];
      },
      {x}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return xg::ops::call("var", in, {{"dims", xg::Shape{0}}, {"unbiased", false}})[0];
      },
      {x}));
}

}  // namespace
