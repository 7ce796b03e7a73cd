// A user-defined optimizer, registered in one line and used by name.
//
// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms") steps by the sign
// of an interpolated momentum, with decoupled weight decay:
//   c = β₁m + (1−β₁)g;   θ ← θ(1 − γλ) − γ·sign(c);   m ← β₂m + (1−β₂)g
// It is defined here (an options struct plus an update rule over one parameter), registered
// as "lion" with XGRAD_REGISTER_OPTIMIZER, then built by name through xgrad::optim::make,
// exactly like the built-ins, to fit a linear regression y = X w + 0.5.
//
//   ./build/examples/custom_optimizer [--steps 400] [--lr 0.01] [--optimizer lion]
#include <CLI/CLI.hpp>

#include <cmath>
#include <xgrad/optim/optimizers.hpp>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;
namespace optim = xgrad::optim;

/// Lion's options, with defaults at the declaration and chainable setters. Each option is
/// declared once: XGRAD_OPTION also enters it, under its name, in the list the registry,
/// state files and error messages use.
struct LionOptions : optim::OptionsBase<LionOptions> {
  XGRAD_OPTIONS("Lion");
  LionOptions(double lr = 1e-4) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  XGRAD_OPTION(optim::Betas, betas) = {0.9, 0.99};
  XGRAD_OPTION(double, weight_decay) = 0.0;
};

class Lion : public optim::BasicOptimizer<Lion, LionOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;  // (params, LionOptions) and (groups, OptionMap)

  static void validate(const LionOptions& o) {
    optim::check_option(o.lr() >= 0, LionOptions::kName, "lr", o.lr(), ">= 0");
    for (double beta : {o.betas().first, o.betas().second}) {
      optim::check_option(beta >= 0 && beta < 1, LionOptions::kName, "beta", beta, "in [0, 1)");
    }
    optim::check_option(o.weight_decay() >= 0, LionOptions::kName, "weight_decay", o.weight_decay(),
                        ">= 0");
  }
  /// The per-parameter buffers (checked when a state file is loaded).
  static std::vector<std::string> state_buffers(const LionOptions&) { return {"exp_avg"}; }

  /// The update rule for one parameter, run under no-grad by the driver.
  void update_param(const xg::Tensor& param, const xg::Tensor& grad, optim::ParamState& state,
                    const LionOptions& o) {
    auto& m = state.buffers["exp_avg"];
    if (!m.defined()) m = xg::zeros(param.shape(), param.dtype());
    if (param.dtype() == xg::kFloat64) {
      rule(param.data_ptr<double>(), grad.data_ptr<double>(), m.data_ptr<double>(), param.numel(),
           o);
    } else {
      rule(param.data_ptr<float>(), grad.data_ptr<float>(), m.data_ptr<float>(), param.numel(), o);
    }
  }

 private:
  template <class T>
  static void rule(T* p, const T* g, T* m, int64_t n, const LionOptions& o) {
    const T b1 = T(o.betas().first), b2 = T(o.betas().second), lr = T(o.lr());
    const T decay = T(1 - o.lr() * o.weight_decay());
    for (int64_t i = 0; i < n; ++i) {
      const T c = b1 * m[i] + (1 - b1) * g[i];
      p[i] = p[i] * decay - lr * T((c > 0) - (c < 0));
      m[i] = b2 * m[i] + (1 - b2) * g[i];
    }
  }
};

XGRAD_REGISTER_OPTIMIZER("lion", Lion);

int run(int argc, char** argv) {
  CLI::App app{"Train a linear regression with a user-registered optimizer (Lion), by name"};
  int steps = 400;
  double lr = 0.01;
  double weight_decay = 0.0;
  std::string name = "lion";
  uint64_t seed = 0;
  app.add_option("--steps", steps, "optimizer steps")
      ->check(xgrad::examples::integer_in(1, 100000000));
  app.add_option("--lr", lr, "learning rate")->check(xgrad::examples::positive_number());
  app.add_option("--weight-decay", weight_decay, "decoupled weight decay")
      ->check(xgrad::examples::non_negative_number());
  app.add_option("--optimizer", name, "any registered optimizer name");
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  xg::manual_seed(seed);
  const int64_t n = 200, d = 8;
  auto X = xg::randn({n, d}, xg::kFloat64);
  auto w_true = xg::randn({d, 1}, xg::kFloat64);
  auto y = xg::matmul(X, w_true) + 0.5;
  auto w = xg::zeros({d, 1}, xg::kFloat64).requires_grad_();
  auto b = xg::zeros({1}, xg::kFloat64).requires_grad_();

  std::unique_ptr<optim::Optimizer> opt;
  try {
    optim::OptionMap options{{"lr", lr}};
    if (weight_decay > 0) options["weight_decay"] = weight_decay;
    opt = optim::make(name, {w, b}, options);
  } catch (const xg::Error& e) {
    fmt::print(stderr, "{}\n", e.what());  // e.g. an unknown name lists the registered ones
    return 2;
  }
  fmt::print("optimizer {} ({}), options {}\n", name, opt->name(),
             optim::to_string(opt->defaults().to_map()));

  double first = 0, last = 0;
  for (int step = 1; step <= steps; ++step) {
    auto loss = opt->step([&] {
      opt->zero_grad();
      auto residual = xg::matmul(X, w) + b - y;
      auto l = (residual * residual).mean();
      l.backward();
      return l;
    });
    last = loss.item();
    if (step == 1) first = last;
    if (step == 1 || step % std::max(1, steps / 10) == 0) {
      fmt::print("step {:5d}  mse {:.4e}\n", step, last);
    }
  }
  fmt::print("mse fell from {:.4e} to {:.4e}\n", first, last);
  return last < first ? 0 : 1;
}

int main(int argc, char** argv) {
  return xgrad::examples::guarded_main("custom_optimizer", [&] { return run(argc, argv); });
}
