// cholesky, triangular_solve, cholesky_solve, logdet: values against hand-checked identities,
// float64 gradchecks (first and second order), and the errors for bad input.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::GradcheckPasses;

namespace {

// A symmetric positive-definite matrix from any square X: X Xᵀ + n I.
xg::Tensor spd(const xg::Tensor& x) {
  const int64_t n = x.shape()[0];
  return xg::matmul(x, x.t()) + xg::eye(n, -1, xg::kFloat64) * double(n);
}

double max_abs_diff(const xg::Tensor& a, const xg::Tensor& b) {
  return xg::max(xg::abs(a - b)).item();
}

TEST(Cholesky, FactorReproducesTheMatrixAndIsLowerTriangular) {
  xg::manual_seed(1);
  const auto a = spd(xg::randn({5, 5}, xg::kFloat64));
  const auto l = xg::cholesky(a);
  EXPECT_LT(max_abs_diff(xg::matmul(l, l.t()), a), 1e-10);
  EXPECT_EQ(xg::sum(xg::abs(l - xg::tril(l))).item(), 0.0);
  EXPECT_GT(xg::min(xg::diagonal(l)).item(), 0.0);
}

TEST(Cholesky, SolvesAndLogdetAgreeWithTheDefinitions) {
  xg::manual_seed(2);
  const auto a = spd(xg::randn({4, 4}, xg::kFloat64));
  const auto b = xg::randn({4, 3}, xg::kFloat64);
  const auto l = xg::cholesky(a);
  EXPECT_LT(max_abs_diff(xg::matmul(a, xg::cholesky_solve(b, l)), b), 1e-10);
  EXPECT_LT(max_abs_diff(xg::matmul(l, xg::triangular_solve(b, l)), b), 1e-10);
  EXPECT_LT(max_abs_diff(xg::matmul(l.t(), xg::triangular_solve(b, l, true)), b), 1e-10);
  // det of diag(1, 2, 3) is 6.
  const auto d = xg::diag_embed(xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64));
  EXPECT_NEAR(xg::logdet(d).item(), std::log(6.0), 1e-12);
  const auto v = xg::randn({4}, xg::kFloat64);
  EXPECT_LT(max_abs_diff(xg::matmul(a, xg::cholesky_solve(v, l)), v), 1e-10);
}

TEST(Cholesky, Float32Works) {
  const auto a = xg::tensor({{4.0, 2.0}, {2.0, 3.0}});
  const auto l = xg::cholesky(a);
  EXPECT_EQ(l.dtype(), xg::DType::Float32);
  EXPECT_NEAR(l[0][0].item(), 2.0, 1e-6);
  EXPECT_NEAR(l[1][0].item(), 1.0, 1e-6);
  EXPECT_NEAR(l[1][1].item(), std::sqrt(2.0), 1e-6);
}

TEST(CholeskyGrad, MatchesFiniteDifferences) {
  xg::manual_seed(3);
  for (int64_t n : {1, 2, 4}) {
    auto x = xgtest::randn_leaf({n, n});
    EXPECT_TRUE(
        GradcheckPasses([](const xg::TensorList& in) { return xg::cholesky(spd(in[0])); }, {x}))
        << "n = " << n;
  }
}

TEST(CholeskyGrad, SecondOrderMatchesFiniteDifferences) {
  xg::manual_seed(4);
  auto x = xgtest::randn_leaf({3, 3});
  const auto r =
      xg::gradgradcheck([](const xg::TensorList& in) { return xg::cholesky(spd(in[0])); }, {x});
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(TriangularSolveGrad, MatchesFiniteDifferencesBothWays) {
  xg::manual_seed(5);
  for (bool trans : {false, true}) {
    auto x = xgtest::randn_leaf({4, 4});
    auto b = xgtest::randn_leaf({4, 2});
    auto v = xgtest::randn_leaf({4});
    const auto f = [trans](const xg::TensorList& in) {
      return xg::triangular_solve(in[1], xg::cholesky(spd(in[0])), trans);
    };
    EXPECT_TRUE(GradcheckPasses(f, {x, b})) << "transpose = " << trans;
    EXPECT_TRUE(GradcheckPasses(f, {x, v})) << "vector, transpose = " << trans;
  }
}

TEST(CholeskySolveAndLogdetGrad, MatchFiniteDifferences) {
  xg::manual_seed(6);
  auto x = xgtest::randn_leaf({4, 4});
  auto b = xgtest::randn_leaf({4, 3});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return xg::cholesky_solve(in[1], xg::cholesky(spd(in[0]))); },
      {x, b}));
  EXPECT_TRUE(
      GradcheckPasses([](const xg::TensorList& in) { return xg::logdet(spd(in[0])); }, {x}));
  auto m = xgtest::randn_leaf({3, 3});
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return xg::tril(in[0]); }, {m}));
  EXPECT_TRUE(GradcheckPasses([](const xg::TensorList& in) { return xg::diagonal(in[0]); }, {m}));
}

TEST(CholeskyErrors, NamedForBadInput) {
  const auto not_pd = xg::tensor({{1.0, 2.0}, {2.0, 1.0}}, xg::kFloat64);
  EXPECT_THROW(xg::cholesky(not_pd), xg::ValueError);
  EXPECT_THROW(xg::logdet(not_pd), xg::ValueError);
  try {
    xg::cholesky(not_pd);
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("not positive definite"), std::string::npos) << e.what();
  }
  EXPECT_THROW(xg::cholesky(xg::zeros({2, 3}, xg::kFloat64)), xg::ShapeError);
  EXPECT_THROW(xg::cholesky(xg::zeros({4}, xg::kFloat64)), xg::ShapeError);
  const auto l = xg::eye(3, -1, xg::kFloat64);
  EXPECT_THROW(xg::triangular_solve(xg::zeros({2, 1}, xg::kFloat64), l), xg::ShapeError);
  EXPECT_THROW(
      xg::triangular_solve(xg::zeros({3, 1}, xg::kFloat64), xg::zeros({3, 3}, xg::kFloat64)),
      xg::ValueError);
  const auto nan = xg::tensor({{std::nan(""), 0.0}, {0.0, 1.0}}, xg::kFloat64);
  EXPECT_THROW(xg::cholesky(nan), xg::ValueError);
}

}  // namespace
