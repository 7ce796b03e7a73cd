// Linear regression by gradient descent through autograd.
//
// The model of the origin document: X is 100 x 10 uniform on [0, 1), y = X w + 0.5 with a
// random w. We fit weights w_hat and bias b_hat by gradient descent on the mean squared
// error, with gradients from backward(), and print them next to the least-squares solution
// computed directly by LAPACK: the two agree to 1e-3.
//
//   ./build/examples/linear_regression [--steps 5000] [--lr 0.2] [--seed 0]
#include <CLI/CLI.hpp>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xview.hpp>

#include <cmath>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;

int run(int argc, char** argv) {
  CLI::App app{"Fit y = X w + 0.5 by gradient descent through autograd"};
  int steps = 5000;
  double lr = 0.2;
  uint64_t seed = 0;
  app.add_option("--steps", steps, "gradient descent steps")
      ->check(xgrad::examples::integer_in(1, 100000000));
  app.add_option("--lr", lr, "learning rate")->check(xgrad::examples::positive_number());
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  xg::manual_seed(seed);
  const int64_t n = 100, d = 10;
  auto X = xg::rand({n, d}, xg::kFloat64);
  auto w_true = xg::randn({d, 1}, xg::kFloat64);
  auto y = xg::matmul(X, w_true) + 0.5;

  auto w = xg::zeros({d, 1}, xg::kFloat64).requires_grad_();
  auto b = xg::zeros({1}, xg::kFloat64).requires_grad_();
  for (int step = 1; step <= steps; ++step) {
    auto residual = xg::matmul(X, w) + b - y;
    auto loss = (residual * residual).mean();
    w.zero_grad();
    b.zero_grad();
    loss.backward();
    {
      xg::NoGradGuard no_grad;  // the update itself is not part of the model
      w.sub_(w.grad(), lr);
      b.sub_(b.grad(), lr);
    }
    if (step == 1 || step % (steps / 10 > 0 ? steps / 10 : 1) == 0)
      fmt::print("step {:5d}  mse {:.3e}\n", step, loss.item());
  }

  // Least squares on [X, 1] directly: minimises the same loss exactly.
  xt::xarray<double> A = xt::ones<double>({n, d + 1});
  xt::view(A, xt::all(), xt::range(0, d)) = xg::to_xarray<double>(X);
  auto lstsq = xt::linalg::lstsq(A, xt::xarray<double>(xt::flatten(xg::to_xarray<double>(y))));
  const xt::xarray<double>& exact = std::get<0>(lstsq);

  fmt::print("\n{:>8} {:>14} {:>14} {:>14}\n", "", "gradient", "least squares", "true");
  double worst = 0;
  for (int64_t i = 0; i <= d; ++i) {
    const double fitted = i < d ? w.at({i, 0}) : b.item();
    const double truth = i < d ? w_true.at({i, 0}) : 0.5;
    const double diff = std::abs(fitted - exact(i));
    if (!(diff <= worst)) worst = diff;  // NaN counts as the worst
    fmt::print("{:>8} {:>14.6f} {:>14.6f} {:>14.6f}\n", i < d ? fmt::format("w[{}]", i) : "b",
               fitted, exact(i), truth);
  }
  fmt::print("\nlargest difference from least squares: {:.2e} ({})\n", worst,
             worst < 1e-3 ? "agree to 1e-3" : "NOT within 1e-3: more steps?");
  return worst < 1e-3 ? 0 : 1;
}

int main(int argc, char** argv) {
  return xgrad::examples::guarded_main("linear_regression", [&] { return run(argc, argv); });
}
