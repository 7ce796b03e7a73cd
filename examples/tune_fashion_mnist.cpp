// Hyperparameter search with xgrad::tune: an MLP on Fashion-MNIST, tuning the learning rate,
// the two hidden widths, dropout, weight decay and the optimizer. Each trial trains on a
// subset of the training set and is scored on a validation split also taken from the
// training set (the test set is never looked at while tuning); the pruner stops trials whose
// validation loss is poor after an epoch. Every training uses a cosine learning-rate schedule.
// Then the best configuration and the default one are each trained on the full training set
// and their test accuracies printed side by side.
//
//   ./build/examples/tune_fashion_mnist --trials 30 --jobs 2 --sampler gp --pruner median
//   ./build/examples/tune_fashion_mnist --storage sqlite:results/tune.db   # kill it, run again:
//                                                                          # it resumes
//   ./build/examples/tune_fashion_mnist --synthetic --trials 4 --epochs 1   # no dataset (CI)
//
// Writes <out>/trials.csv, trials.json and history.svg, slices.svg, importance.svg.
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"
#include "support/confusion_matrix.hpp"
#include "support/synthetic_mnist.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;
namespace data = xgrad::data;
namespace tune = xgrad::tune;
namespace ex = xgrad::examples;
namespace fs = std::filesystem;

namespace {

struct Config {
  double lr = 1e-3;
  int64_t hidden1 = 256, hidden2 = 128;
  double dropout = 0.1;
  double weight_decay = 1e-4;
  std::string optimizer = "adamw";
  std::string describe() const {
    return fmt::format("lr {:.3g}, hidden {},{}, dropout {:.2f}, weight decay {:.2g}, {}", lr,
                       hidden1, hidden2, dropout, weight_decay, optimizer);
  }
};

std::unique_ptr<optim::Optimizer> make_optimizer(const Config& c, std::vector<xg::Tensor> params) {
  if (c.optimizer == "adam")
    return std::make_unique<optim::Adam>(params,
                                         optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  if (c.optimizer == "adamw")
    return std::make_unique<optim::AdamW>(params,
                                          optim::AdamWOptions(c.lr).weight_decay(c.weight_decay));
  return std::make_unique<optim::SGD>(
      params, optim::SGDOptions(c.lr).momentum(0.9).nesterov(true).weight_decay(c.weight_decay));
}

/// Mean cross-entropy and accuracy of `model` on `ds`.
std::pair<double, double> evaluate(nn::MLP& model, const data::TensorDataset& ds) {
  model.eval();
  xg::NoGradGuard no_grad;
  data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(1000));
  double loss = 0;
  ex::ConfusionMatrix confusion(10);
  for (auto& [x, y] : loader) {
    auto logits = model(x);
    loss += xg::cross_entropy(logits, y, xg::Reduction::Sum).item();
    confusion.add(xg::argmax(logits, 1), y);
  }
  model.train();
  return {loss / double(ds.size()), confusion.accuracy()};
}

/// Trains `c` for `epochs` on `train`; after each epoch calls on_epoch(epoch, model) (which
/// may throw TrialPruned). Randomness (init, shuffling, dropout) from xgrad's generator, which
/// inside a trial is the trial's own.
nn::MLP train(const Config& c, const data::TensorDataset& train, int epochs, uint64_t seed,
              const std::function<void(int, nn::MLP&)>& on_epoch) {
  nn::MLP model({784, c.hidden1, c.hidden2, 10},
                nn::MLPOptions().activation("relu").dropout(c.dropout));
  auto opt = make_optimizer(c, model.parameters());
  // A cosine schedule over however many epochs there are (as the main example): a learning
  // rate tuned on a short run then still suits the longer final training.
  optim::CosineAnnealingLR schedule(*opt,
                                    optim::CosineAnnealingLROptions(epochs).eta_min(c.lr / 50));
  data::DataLoader loader(train,
                          data::DataLoaderOptions().batch_size(128).shuffle(true).seed(seed));
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (auto& [x, y] : loader) {
      opt->zero_grad();
      auto loss = xg::cross_entropy(model(x), y);
      if (!std::isfinite(loss.item())) throw xg::ValueError("the training loss diverged");
      loss.backward();
      opt->step();
    }
    schedule.step();
    if (on_epoch) on_epoch(epoch, model);
  }
  return model;
}

data::TensorDataset rows(const data::TensorDataset& ds, int64_t begin, int64_t end) {
  return data::TensorDataset(xg::slice(ds.inputs(), 0, begin, end),
                             xg::slice(ds.targets(), 0, begin, end));
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir = "/usr/share/datasets/fashion-mnist",
              out_dir = "results/tune_fashion_mnist";
  std::string sampler = "gp", pruner = "median", storage = "memory";
  int trials = 20, jobs = 1, epochs = 3, final_epochs = 5;
  int64_t subset = 10000, validation = 5000;
  uint64_t seed = 0;
  bool synthetic = false;
  CLI::App app{"Tune an MLP's hyperparameters on Fashion-MNIST with xgrad::tune"};
  app.add_option("--data", data_dir, "directory with the Fashion-MNIST IDX files");
  app.add_option("--out", out_dir, "where to write trials.csv, trials.json and the plots");
  app.add_option("--trials", trials, "trials in the study (a resumed study counts its old ones)")
      ->check(ex::integer_in(1, 100000));
  app.add_option("--jobs", jobs, "trials run in parallel")->check(ex::integer_in(1, 256));
  app.add_option("--sampler", sampler, "gp, random, or any registered sampler");
  app.add_option("--pruner", pruner, "median, asha or none");
  app.add_option("--storage", storage, "memory or sqlite:PATH (resumable)");
  app.add_option("--epochs", epochs, "epochs per trial")->check(ex::integer_in(1, 1000));
  app.add_option("--final-epochs", final_epochs, "epochs of the final trainings")
      ->check(ex::integer_in(1, 1000));
  app.add_option("--subset", subset, "training images per trial")
      ->check(ex::integer_in(100, 60000));
  app.add_option("--validation", validation,
                 "validation images (after the subset, from the training set)")
      ->check(ex::integer_in(100, 60000));
  app.add_option("--seed", seed, "the study's seed");
  app.add_flag("--synthetic", synthetic, "a small generated stand-in for the dataset (for CI)");
  CLI11_PARSE(app, argc, argv);

  return ex::guarded_main("tune_fashion_mnist", [&] {
    fs::create_directories(out_dir);
    if (synthetic) {
      data_dir = (fs::path(out_dir) / "synthetic-data").string();
      ex::write_synthetic_mnist(data_dir, 3000, 500, seed);
      subset = std::min<int64_t>(subset, 2000);
      validation = std::min<int64_t>(validation, 1000);
    }
    xg::manual_seed(seed);
    const auto full = data::load_mnist(data_dir, true);
    const auto test = data::load_mnist(data_dir, false);
    if (subset + validation > full.size()) {
      throw xg::ValueError(
          fmt::format("--subset {} + --validation {} exceed the {} training images", subset,
                      validation, full.size()));
    }
    const auto tune_train = rows(full, 0, subset);
    const auto tune_val = rows(full, subset, subset + validation);
    std::cout << fmt::format(
        "tuning on {} training images, validating on {} others (test set unused)\n",
        tune_train.size(), tune_val.size());

    // The first epoch is noisy: the median pruner waits for the second.
    const xg::ValueMap pruner_options =
        pruner == "median" ? xg::ValueMap{{"n_startup_trials", 5}, {"n_warmup_steps", 1}}
                           : xg::ValueMap{};
    tune::Study study(tune::StudyOptions()
                          .sampler(sampler)
                          .pruner(pruner, pruner_options)
                          .storage(storage)
                          .seed(seed)
                          .direction("minimize")
                          .study_name("tune_fashion_mnist")
                          .max_trials(trials)
                          .progress(true));
    const auto t0 = std::chrono::steady_clock::now();
    study.optimize(
        [&](tune::Trial& t) {
          Config c;
          c.lr = t.suggest_float("lr", 1e-4, 3e-2, /*log=*/true);
          c.hidden1 = t.suggest_int("hidden1", 32, 512, /*log=*/true);
          c.hidden2 = t.suggest_int("hidden2", 16, 256, /*log=*/true);
          c.dropout = t.suggest_float("dropout", 0.0, 0.5);
          c.weight_decay = t.suggest_float("weight_decay", 1e-6, 1e-2, /*log=*/true);
          c.optimizer = t.suggest_categorical("optimizer", {"adam", "adamw", "sgd"});
          double val_loss = 0;
          train(c, tune_train, epochs, t.seed(), [&](int epoch, nn::MLP& model) {
            val_loss = evaluate(model, tune_val).first;
            t.report(val_loss, epoch);
            if (t.should_prune()) throw tune::TrialPruned();
          });
          return val_loss;
        },
        /*n_trials=*/0, jobs, /*timeout=*/0);
    std::cout << fmt::format(
        "\nstudy: {} trials in {:.1f} s\n", study.trials().size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::cout << tune::results_table(study, 10);
    tune::write_trials_csv(study, (fs::path(out_dir) / "trials.csv").string());
    tune::write_trials_json(study, (fs::path(out_dir) / "trials.json").string());
    tune::write_plots(study, out_dir);
    std::cout << "parameter importance (Sobol indices of the GP mean):";
    for (const auto& [name, v] : tune::param_importance(study))
      std::cout << fmt::format(" {} {:.2f}", name, v);
    std::cout << "\n";

    const auto p = study.best_params();
    Config best;
    best.lr = p.at("lr").as_double("lr");
    best.hidden1 = p.at("hidden1").as_int("hidden1");
    best.hidden2 = p.at("hidden2").as_int("hidden2");
    best.dropout = p.at("dropout").as_double("dropout");
    best.weight_decay = p.at("weight_decay").as_double("weight_decay");
    best.optimizer = p.at("optimizer").as_string("optimizer");
    const Config defaults;
    std::cout << fmt::format("\nfinal training on all {} training images, {} epochs each\n",
                             full.size(), final_epochs);
    double acc[2];
    const Config* configs[2] = {&best, &defaults};
    for (int k = 0; k < 2; ++k) {
      xg::manual_seed(seed);
      auto model = train(*configs[k], full, final_epochs, seed, nullptr);
      acc[k] = evaluate(model, test).second;
    }
    std::cout << fmt::format("tuned   ({}): test accuracy {:.2f}%\n", best.describe(),
                             100 * acc[0]);
    std::cout << fmt::format("default ({}): test accuracy {:.2f}%\n", defaults.describe(),
                             100 * acc[1]);
    std::cout << "wrote " << out_dir
              << "/trials.csv, trials.json, history.svg, slices.svg, importance.svg\n";
    return 0;
  });
}
