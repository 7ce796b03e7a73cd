// The same MLP trained with five optimizers on the same data from the same initial weights,
// then with L1 and with L2 regularization to show which one makes weights sparse.
//
// Data: three interleaved spirals in 2-D (a classic that a linear model cannot fit), 300
// points per class for training and 150 for testing. Model: MLP 2-64-64-3, ReLU.
// Optimizers are built by name through the registry (xgrad::optim::make), as a configuration
// file or a hyperparameter search would.
//
//   ./build/examples/compare_optimizers [--epochs 60] [--batch-size 32] [--seed 0]
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;
namespace data = xgrad::data;

namespace {

/// `per_class` points on each of 3 spiral arms: radius r in [0, 1], angle 4r + 2πk/3 + noise.
data::TensorDataset spirals(int64_t per_class, double noise, uint64_t seed) {
  xg::manual_seed(seed);
  const int64_t n = 3 * per_class;
  auto r = xg::rand({n});
  auto jitter = xg::randn({n}) * noise;
  std::vector<double> xy(static_cast<size_t>(2 * n));
  std::vector<int64_t> labels(static_cast<size_t>(n));
  const auto rv = r.to_vector(), jv = jitter.to_vector();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t k = i % 3;
    const double angle = 4.0 * rv[i] + 2.0 * M_PI * static_cast<double>(k) / 3.0 + jv[i];
    xy[2 * i] = rv[i] * std::cos(angle);
    xy[2 * i + 1] = rv[i] * std::sin(angle);
    labels[i] = k;
  }
  return data::TensorDataset(xg::tensor(xy, {n, 2}), xg::tensor(labels, {n}));
}

double accuracy(nn::Module& model, const data::TensorDataset& ds) {
  model.eval();
  xg::NoGradGuard no_grad;
  auto predicted = xg::argmax(model(ds.inputs()), 1).to_vector();
  auto actual = ds.targets().to_vector();
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == actual[i];
  model.train();
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

struct Run {
  double final_loss = 0;  // mean training loss of the last epoch (data loss, no penalty)
  double test_accuracy = 0;
  double seconds = 0;
  nn::MLP model;
};

/// Trains a fresh MLP (same seed, so same initial weights and batch order every time).
Run train(const std::string& optimizer, const optim::OptionMap& options,
          const optim::Regularizer* regularizer, const data::TensorDataset& train_set,
          const data::TensorDataset& test_set, int epochs, int64_t batch_size, uint64_t seed) {
  xg::manual_seed(seed);
  Run run{0, 0, 0, nn::MLP({2, 64, 64, 3})};
  auto opt = optim::make(optimizer, run.model.parameters(), options);
  data::DataLoader loader(
      train_set, data::DataLoaderOptions().batch_size(batch_size).shuffle(true).seed(seed));
  const auto start = std::chrono::steady_clock::now();
  for (int epoch = 0; epoch < epochs; ++epoch) {
    double loss_sum = 0;
    int64_t seen = 0;
    for (auto& [x, y] : loader) {
      opt->zero_grad();
      auto loss = xg::cross_entropy(run.model(x), y);
      auto objective = regularizer ? loss + regularizer->penalty(run.model.parameters()) : loss;
      objective.backward();
      opt->step();
      loss_sum += loss.item() * static_cast<double>(x.size(0));
      seen += x.size(0);
    }
    run.final_loss = loss_sum / static_cast<double>(seen);
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.test_accuracy = accuracy(run.model, test_set);
  return run;
}

/// Fraction of weight-matrix entries (biases excluded) with |w| < threshold.
double near_zero_fraction(const nn::Module& model, double threshold) {
  int64_t small = 0, total = 0;
  for (const auto& p : model.parameters()) {
    if (p.dim() < 2) continue;
    for (double v : p.to_vector()) small += std::abs(v) < threshold;
    total += p.numel();
  }
  return static_cast<double>(small) / static_cast<double>(total);
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"Train one MLP with SGD, SGD+Nesterov, Adam, AdamW and RMSprop; then L1 vs L2"};
  int epochs = 60;
  int64_t batch_size = 32;
  uint64_t seed = 0;
  double lambda = 2e-3;
  app.add_option("--epochs", epochs, "epochs per run")
      ->check(xgrad::examples::integer_in(1, 100000));
  app.add_option("--batch-size", batch_size, "examples per batch")
      ->check(xgrad::examples::integer_in(1, 1000000));
  app.add_option("--lambda", lambda, "regularization strength of the L1/L2 runs")
      ->check(xgrad::examples::non_negative_number());
  app.add_option("--seed", seed, "seed for the data, the initial weights and the batch order");
  CLI11_PARSE(app, argc, argv);

  const auto train_set = spirals(300, 0.2, seed + 100);
  const auto test_set = spirals(150, 0.2, seed + 200);

  struct Config {
    const char* label;
    const char* name;
    optim::OptionMap options;
  };
  const std::vector<Config> configs = {
      {"SGD (momentum 0.9)", "sgd", {{"lr", 0.05}, {"momentum", 0.9}}},
      {"SGD + Nesterov", "sgd", {{"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true}}},
      {"Adam", "adam", {{"lr", 0.005}}},
      {"AdamW (wd 0.01)", "adamw", {{"lr", 0.005}, {"weight_decay", 0.01}}},
      {"RMSprop", "rmsprop", {{"lr", 0.002}}},
  };
  fmt::print("{} epochs, batch {}, {} training and {} test points, MLP 2-64-64-3, seed {}\n\n",
             epochs, batch_size, train_set.size(), test_set.size(), seed);
  fmt::print("{:<20} {:>12} {:>14} {:>9}\n", "optimizer", "final loss", "test accuracy", "time");
  for (const auto& c : configs) {
    auto run = train(c.name, c.options, nullptr, train_set, test_set, epochs, batch_size, seed);
    fmt::print("{:<20} {:>12.4f} {:>13.1f}% {:>8.2f}s\n", c.label, run.final_loss,
               100 * run.test_accuracy, run.seconds);
  }

  // L1 pushes weights to exactly zero (its gradient λ·sign(w) does not shrink with w); L2's
  // 2λw fades as w does, so it makes weights small but rarely zero.
  const double threshold = 1e-3;
  fmt::print(
      "\nRegularization (SGD lr 0.05, momentum 0.9, penalty λ = {} on weights, not biases)\n",
      lambda);
  fmt::print("{:<20} {:>12} {:>14} {:>22}\n", "penalty", "final loss", "test accuracy",
             fmt::format("weights |w| < {}", threshold));
  double fractions[3] = {0, 0, 0};
  const char* penalties[3] = {"none", "l1", "l2"};
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<optim::Regularizer> reg;
    if (i > 0) reg = optim::make_regularizer(penalties[i], {{"lambda", lambda}, {"skip_1d", true}});
    auto run = train("sgd", {{"lr", 0.05}, {"momentum", 0.9}}, reg.get(), train_set, test_set,
                     epochs, batch_size, seed);
    fractions[i] = near_zero_fraction(run.model, threshold);
    fmt::print("{:<20} {:>12.4f} {:>13.1f}% {:>21.1f}%\n", penalties[i], run.final_loss,
               100 * run.test_accuracy, 100 * fractions[i]);
  }
  fmt::print("\nL1 leaves {:.1f}% of the weights near zero, L2 {:.1f}%: {}\n", 100 * fractions[1],
             100 * fractions[2],
             fractions[1] > fractions[2]
                 ? "L1 gives the sparser model"
                 : "no sparser with L1 at this setting (train longer or raise --lambda)");
  return 0;
}

int main(int argc, char** argv) {
  return xgrad::examples::guarded_main("compare_optimizers", [&] { return run(argc, argv); });
}
