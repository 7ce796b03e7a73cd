// Every optimizer minimises the 2-D Rosenbrock function from (-1.2, 1) and a 5-unknown
// least-squares problem, each to a stated tolerance, with settings chosen per optimizer.
#include "optim/optimizer_test_util.hpp"

namespace xgtest {
namespace {

struct Setting {
  std::string name;
  optim::OptionMap options;
  int steps;
  double tolerance;  // max |x - x*| at the end
};
void PrintTo(const Setting& s, std::ostream* os) {
  *os << s.name << " " << optim::to_string(s.options) << " x" << s.steps;
}

/// Runs `steps` steps (LBFGS: closure steps) minimising loss(x); returns x at the end.
std::vector<double> minimise(const Setting& s, const xg::Tensor& x,
                             const std::function<xg::Tensor(const xg::Tensor&)>& loss_of) {
  auto opt = optim::make(s.name, {x}, s.options);
  auto closure = [&] {
    opt->zero_grad();
    auto loss = loss_of(x);
    loss.backward();
    return loss;
  };
  for (int i = 0; i < s.steps; ++i) opt->step(closure);
  return values(x);
}

double max_error(const std::vector<double>& got, const std::vector<double>& want) {
  double e = 0;
  for (std::size_t i = 0; i < got.size(); ++i) e = std::max(e, std::abs(got[i] - want[i]));
  return e;
}

class RosenbrockConvergence : public ::testing::TestWithParam<Setting> {};

TEST_P(RosenbrockConvergence, ReachesTheMinimum) {
  const Setting& s = GetParam();
  auto xy = t64({-1.2, 1.0}, {2}).requires_grad_();
  auto got = minimise(s, xy, rosenbrock);
  EXPECT_LE(max_error(got, {1.0, 1.0}), s.tolerance)
      << s.name << " " << optim::to_string(s.options) << " ended at (" << got[0] << ", " << got[1]
      << ")";
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, RosenbrockConvergence,
    ::testing::Values(
        Setting{"sgd", {{"lr", 1e-3}, {"momentum", 0.9}}, 5000, 1e-3},
        Setting{"sgd", {{"lr", 1e-3}, {"momentum", 0.9}, {"nesterov", true}}, 5000, 1e-3},
        Setting{"adam", {{"lr", 2e-2}}, 5000, 1e-3},
        Setting{"adam", {{"lr", 2e-2}, {"amsgrad", true}}, 10000, 1e-3},
        Setting{"adamw", {{"lr", 2e-2}, {"weight_decay", 0.0}}, 5000, 1e-3},
        Setting{"rmsprop", {{"lr", 1e-3}, {"centered", true}}, 5000, 1e-2},
        Setting{"adagrad", {{"lr", 0.5}}, 20000, 1e-3},
        // Adadelta crawls along the valley (its step shrinks with the gradient): 0.05 off here.
        Setting{"adadelta", {{"lr", 0.1}}, 20000, 0.1},
        Setting{"nadam", {{"lr", 5e-3}}, 20000, 1e-3},
        Setting{"radam", {{"lr", 2e-3}}, 20000, 1e-3},
        Setting{"adamax", {{"lr", 5e-2}}, 5000, 1e-3},
        Setting{"lbfgs", {{"lr", 1.0}, {"line_search_fn", "strong_wolfe"}}, 5, 1e-4},
        Setting{"lbfgs", {{"lr", 0.5}, {"max_iter", 50}}, 20, 1e-4}),
    [](const ::testing::TestParamInfo<Setting>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

// min_x mean((A x − b)²) with b = A x* for a fixed well-conditioned A: the minimum is x*.
class LeastSquaresConvergence : public ::testing::TestWithParam<Setting> {};

TEST_P(LeastSquaresConvergence, ReachesTheSolution) {
  const Setting& s = GetParam();
  xg::manual_seed(7);
  auto A = xg::randn({20, 5}, xg::kFloat64);
  const std::vector<double> x_star{1.0, -2.0, 0.5, 3.0, -1.0};
  auto b = xg::matmul(A, t64(x_star, {5, 1}));
  auto x = xg::zeros({5, 1}, xg::kFloat64).requires_grad_();
  auto got = minimise(s, x, [&](const xg::Tensor& v) { return xg::mse_loss(xg::matmul(A, v), b); });
  EXPECT_LE(max_error(got, x_star), s.tolerance) << s.name << " " << optim::to_string(s.options);
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, LeastSquaresConvergence,
    ::testing::Values(Setting{"sgd", {{"lr", 0.1}}, 500, 1e-6},
                      Setting{"sgd", {{"lr", 0.05}, {"momentum", 0.9}}, 500, 1e-6},
                      Setting{"adam", {{"lr", 0.05}}, 2000, 1e-4},
                      Setting{"adamw", {{"lr", 0.05}, {"weight_decay", 0.0}}, 2000, 1e-4},
                      Setting{"rmsprop", {{"lr", 1e-2}}, 2000, 1e-2},
                      Setting{"adagrad", {{"lr", 1.0}}, 2000, 1e-4},
                      Setting{"adadelta", {{"lr", 0.1}}, 5000, 1e-3},
                      Setting{"nadam", {{"lr", 0.05}}, 2000, 1e-4},
                      Setting{"radam", {{"lr", 0.05}}, 2000, 1e-4},
                      Setting{"adamax", {{"lr", 0.1}}, 2000, 1e-4},
                      Setting{"lbfgs",
                              {{"line_search_fn", "strong_wolfe"},
                               {"tolerance_grad", 1e-12},
                               {"tolerance_change", 1e-15}},
                              3,
                              1e-8}),
    [](const ::testing::TestParamInfo<Setting>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

}  // namespace
}  // namespace xgtest
