// A small MLP fits a smooth 2-D function, is saved as a safetensors checkpoint, and is loaded
// into a freshly built model that then predicts exactly the same values.
//
// Target: y = sin(3 x0) + 0.5 x1², x uniform on [-1, 1]². Model: MLP 2-32-32-1 with tanh,
// trained by plain gradient descent on the mean squared error (the update is three lines
// here; the optimizers of xgrad::optim do the same job with momentum and adaptive steps).
//
//   ./build/examples/mlp_regression [--steps 2000] [--lr 0.05] [--out DIR] [--seed 0]
// The checkpoint (DIR/mlp_regression.safetensors) opens in Python with
//   safetensors.torch.load_file(path)   # keys layers.0.weight, layers.0.bias, ...
#include <CLI/CLI.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;

int run(int argc, char** argv) {
  CLI::App app{"Train a small MLP, save it, load it into a fresh model, compare predictions"};
  int steps = 2000;
  double lr = 0.05;
  uint64_t seed = 0;
  std::string out = ".";
  app.add_option("--steps", steps, "gradient descent steps")
      ->check(xgrad::examples::integer_in(1, 100000000));
  app.add_option("--lr", lr, "learning rate")->check(xgrad::examples::positive_number());
  app.add_option("--out", out, "directory for the checkpoint")->check(CLI::ExistingDirectory);
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  xg::manual_seed(seed);
  auto make_data = [](int64_t n) {
    auto x = xg::rand({n, 2}) * 2.0 - 1.0;
    auto y = xg::sin(x.transpose(0, 1)[0] * 3.0) + 0.5 * x.transpose(0, 1)[1].pow(2);
    return std::make_pair(x, y.reshape({n, 1}));
  };
  auto [x_train, y_train] = make_data(512);
  auto [x_test, y_test] = make_data(256);

  nn::MLP model({2, 32, 32, 1}, nn::MLPOptions().activation("tanh"));
  std::cout << model << "\n";
  for (int step = 1; step <= steps; ++step) {
    auto loss = xg::mse_loss(model(x_train), y_train);
    model.zero_grad();
    loss.backward();
    {
      xg::NoGradGuard no_grad;
      for (const auto& p : model.parameters()) p.sub_(p.grad(), lr);
    }
    if (step == 1 || step % std::max(1, steps / 10) == 0)
      fmt::print("step {:5d}  train mse {:.5f}\n", step, loss.item());
  }
  model.eval();
  xg::Tensor predictions;
  {
    xg::NoGradGuard no_grad;
    predictions = model(x_test);
  }
  fmt::print("test mse {:.5f} (the target's variance is {:.5f})\n",
             xg::mse_loss(predictions, y_test).item(), xg::var(y_test).item());

  const std::string path = (std::filesystem::path(out) / "mlp_regression.safetensors").string();
  nn::save(model, path, {{"steps", std::to_string(steps)}, {"target", "sin(3 x0) + 0.5 x1^2"}});
  fmt::print("saved {} ({} parameters)\n", path, model.num_parameters());

  xg::manual_seed(seed + 1);  // a different initialisation, overwritten by the load
  nn::MLP fresh({2, 32, 32, 1}, nn::MLPOptions().activation("tanh"));
  nn::load(fresh, path);
  fresh.eval();
  xg::NoGradGuard no_grad;
  const auto a = predictions.to_vector(), b = fresh(x_test).to_vector();
  double max_diff = 0;
  for (size_t i = 0; i < a.size(); ++i) max_diff = std::max(max_diff, std::abs(a[i] - b[i]));
  fmt::print("reloaded model: max |prediction difference| = {} over {} test points\n", max_diff,
             a.size());
  return max_diff == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  return xgrad::examples::guarded_main("mlp_regression", [&] { return run(argc, argv); });
}
