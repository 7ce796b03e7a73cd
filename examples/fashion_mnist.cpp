// The main example: an MLP learns Fashion-MNIST (70,000 28x28 grey images of clothing in 10
// classes) with AdamW and a cosine learning-rate schedule. It shows progress while it trains,
// prints train loss, test loss and test accuracy per epoch, keeps the best model as a
// safetensors checkpoint, draws the history as an SVG chart, and ends with a confusion matrix
// and per-class accuracy computed by a fresh model loaded from the checkpoint.
//
//   ./run.sh                                              # builds and runs this with defaults
//   ./build/examples/fashion_mnist --epochs 20 --hidden 512,256 --dropout 0.2
//   ./build/examples/fashion_mnist --evaluate results/fashion_mnist/fashion_mnist.safetensors
//   ./build/examples/fashion_mnist --synthetic --epochs 1 --limit 2000   # no dataset needed
//   mpirun -np 2 ./build/examples/fashion_mnist   # data-parallel: each rank half of every batch
//   ./build/examples/fashion_mnist --monitor        # gradient diagnoses per epoch, gradients.svg
//
// Data: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist), or any
// directory with the four IDX files (--data).
#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <xgrad/xgrad.hpp>

#include "support/callbacks.hpp"
#include "support/checkpoint_sizes.hpp"
#include "support/cli.hpp"
#include "support/confusion_matrix.hpp"
#include "support/fashion_classes.hpp"
#include "support/fit.hpp"
#include "support/progress_bar.hpp"
#include "support/synthetic_mnist.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;
namespace data = xgrad::data;
namespace ex = xgrad::examples;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& kClassNames = ex::kFashionClassNames;

struct Settings {
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  std::string out_dir = "results/fashion_mnist";
  std::string evaluate;  // a checkpoint to evaluate instead of training
  std::vector<int64_t> hidden = {256, 128};
  int epochs = 20;
  int64_t batch_size = 128;
  int64_t limit = 0;  // use only the first `limit` training images (0: all)
  double lr = 2e-3;
  double dropout = 0.1;
  double weight_decay = 1e-4;
  uint64_t seed = 0;
  int threads = 0;
  bool synthetic = false;
  bool monitor = false;  // watch the gradients with insight::GradientMonitor
  bool bf16 = false;     // products in bfloat16 (autocast); weights and optimizer stay float32
};

nn::MLP make_model(const Settings& s) {
  std::vector<int64_t> sizes = {784};
  sizes.insert(sizes.end(), s.hidden.begin(), s.hidden.end());
  sizes.push_back(10);
  return nn::MLP(sizes, nn::MLPOptions().activation("relu").dropout(s.dropout));
}

/// Test loss, accuracy and confusion matrix of `model` in evaluation mode.
struct Evaluation {
  double loss = 0;
  ex::ConfusionMatrix confusion{10};
};
Evaluation evaluate(nn::MLP& model, const data::TensorDataset& test) {
  model.eval();
  xg::NoGradGuard no_grad;
  Evaluation result;
  data::DataLoader loader(test, data::DataLoaderOptions().batch_size(1000));
  double loss_sum = 0;
  for (auto& [x, y] : loader) {
    auto logits = model(x);
    loss_sum += xg::cross_entropy(logits, y, xg::Reduction::Sum).item();
    result.confusion.add(xg::argmax(logits, 1), y);
  }
  result.loss = loss_sum / static_cast<double>(test.size());
  model.train();
  return result;
}

void print_report(const Evaluation& e) {
  std::cout << "\nConfusion matrix (rows: true class, columns: predicted)\n";
  e.confusion.print(std::cout, kClassNames);
}

}  // namespace

int main(int argc, char** argv) {
  xg::dist::init(argc, argv);  // under mpirun: join the job; else a world of one
  Settings s;
  CLI::App app{"Train an MLP on Fashion-MNIST"};
  app.add_option("--data", s.data_dir, "directory with the Fashion-MNIST IDX files");
  app.add_option("--out", s.out_dir, "where to write the checkpoint, history.csv and history.svg");
  app.add_option("--epochs", s.epochs, "training epochs")->check(ex::integer_in(1, 100000));
  app.add_option("--batch-size", s.batch_size, "examples per batch")
      ->check(ex::integer_in(1, 1000000));
  app.add_option("--hidden", s.hidden, "hidden layer sizes, e.g. 256,128")
      ->delimiter(',')
      ->check(ex::integer_in(1, 1000000));
  app.add_option("--lr", s.lr, "peak learning rate of AdamW")->check(ex::positive_number());
  app.add_option("--dropout", s.dropout, "dropout after each hidden layer")
      ->check(CLI::Range(0.0, 0.95));
  app.add_option("--weight-decay", s.weight_decay, "AdamW's decoupled weight decay")
      ->check(ex::non_negative_number());
  app.add_option("--limit", s.limit, "train on the first N images only (0: all)")
      ->check(ex::integer_in(0, 100000000));
  app.add_option("--seed", s.seed, "random seed (initialisation, shuffling, dropout)");
  app.add_option("--threads", s.threads, "worker threads (0: all cores)")
      ->check(ex::integer_in(0, 4096));
  app.add_option("--evaluate", s.evaluate, "evaluate this checkpoint on the test set and exit");
  app.add_flag("--synthetic", s.synthetic,
               "train on a small generated stand-in written to <out>/synthetic-data (for CI)");
  app.add_flag("--monitor", s.monitor,
               "watch the gradients every 10 steps: diagnoses after each epoch, "
               "<out>/gradients.svg");
  app.add_flag("--bf16", s.bf16,
               "matrix products in bfloat16 with float32 accumulation (autocast); parameters, "
               "gradients and optimizer state stay float32");
  CLI11_PARSE(app, argc, argv);

  try {
    // Distributed (docs/distributed.md): the global batch is split across the ranks, which
    // keep identical models; rank 0 alone prints, writes files and shows progress.
    const int rank = xg::dist::rank(), world = xg::dist::world_size();
    std::ostream silent(nullptr);
    if (rank != 0) std::cout.rdbuf(nullptr);
    if (s.batch_size % world != 0) {
      throw xg::ValueError(fmt::format("--batch-size {} does not split evenly over {} processes",
                                       s.batch_size, world));
    }
    if (world > 1) std::cout << "distributed: " << xg::dist::describe() << "\n";
    if (s.threads > 0) xg::set_num_threads(s.threads);
    xg::manual_seed(s.seed);
    if (s.evaluate.empty() || s.synthetic) fs::create_directories(s.out_dir);
    if (s.synthetic) {
      s.data_dir = (fs::path(s.out_dir) / "synthetic-data").string();
      if (rank == 0)
        ex::write_synthetic_mnist(s.data_dir, s.limit > 0 ? s.limit : 2000, 500, s.seed);
      xg::dist::barrier();  // written once, then read by every rank
    }
    auto t0 = std::chrono::steady_clock::now();
    data::TensorDataset train = data::load_mnist(s.data_dir, /*train=*/true);
    data::TensorDataset test = data::load_mnist(s.data_dir, /*train=*/false);
    if (s.limit > 0) train = train.head(s.limit);
    std::cout << fmt::format(
        "data: {} training and {} test images from {} ({:.1f} s)\n", train.size(), test.size(),
        s.data_dir, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

    const std::string checkpoint = (fs::path(s.out_dir) / "fashion_mnist.safetensors").string();
    if (!s.evaluate.empty()) {
      // The checkpoint says which hidden sizes it was trained with.
      xg::Metadata metadata;
      xg::load_tensors(s.evaluate, &metadata);
      if (metadata.count("hidden"))
        s.hidden = ex::parse_hidden_sizes(metadata.at("hidden"), s.evaluate);
      nn::MLP model = make_model(s);
      nn::load(model, s.evaluate);
      auto e = evaluate(model, test);
      std::cout << fmt::format("{}: test loss {:.4f}, test accuracy {:.2f}%\n", s.evaluate, e.loss,
                               100 * e.confusion.accuracy());
      print_report(e);
      return 0;
    }

    nn::MLP model = make_model(s);
    xg::dist::DistributedDataParallel ddp(model);  // every rank starts from rank 0's weights
    if (world > 1) xg::manual_seed(s.seed + static_cast<uint64_t>(rank));  // own dropout masks
    std::cout << model << "\n";
    // Training and evaluation below run their products in bfloat16 with --bf16.
    xg::AutocastGuard autocast(s.bf16 ? xg::kBFloat16 : xg::AutocastDType::None);
    if (s.bf16) {
      std::cout << (xg::autocast_available(xg::kBFloat16)
                        ? "bf16: products in bfloat16, float32 accumulation and master weights\n"
                        : "bf16: not available here (needs oneDNN and avx512_bf16); float32\n");
    }
    optim::AdamW optimizer(model.parameters(),
                           optim::AdamWOptions(s.lr).weight_decay(s.weight_decay));
    optim::CosineAnnealingLR schedule(optimizer,
                                      optim::CosineAnnealingLROptions(s.epochs).eta_min(s.lr / 50));
    // This rank's shard of each epoch; with one process, the same order as shuffle(true).seed().
    auto shard = std::make_shared<data::DistributedSampler>(
        train.size(), world, rank, data::DistributedSamplerOptions().seed(s.seed));
    data::DataLoader loader(
        train,
        data::DataLoaderOptions().batch_size(s.batch_size / world).sampler(shard).prefetch(true));
    std::unique_ptr<xg::insight::GradientMonitor> monitor;  // rank 0 watches (hooks read only)
    if (s.monitor && rank == 0)
      monitor = std::make_unique<xg::insight::GradientMonitor>(
          model, xg::insight::MonitorOptions().every(10));

    auto train_epoch = [&](int epoch) {
      ex::ProgressBar bar(static_cast<int64_t>(loader.size()),
                          ex::ProgressBarOptions()
                              .label(fmt::format("epoch {}/{}", epoch, s.epochs))
                              .stream(rank == 0 ? &std::cerr : &silent));
      const double lr = optimizer.param_groups()[0].options().get_lr();
      for (auto& [x, y] : loader) {
        optimizer.zero_grad();
        auto loss = xg::cross_entropy(ddp(x), y);
        loss.backward();
        optimizer.step();
        if (monitor) monitor->step();
        bar.update(x.size(0) * world, loss.item());  // samples of the whole job
      }
      bar.finish();
      schedule.step();
      const double loss = xg::dist::all_reduce(bar.running_loss(), "mean");
      return ex::TrainResult{loss, static_cast<int64_t>(train.size()), lr};
    };
    auto eval_epoch = [&](int) {
      auto e = evaluate(model, test);
      return ex::EvalResult{e.loss, e.confusion.accuracy()};
    };
    ex::Checkpoint keep_best(
        [&](const ex::EpochRecord& r) {
          if (rank != 0) return;
          nn::save(model, checkpoint,
                   {{"epoch", std::to_string(r.epoch)},
                    {"test_accuracy", fmt::format("{:.6f}", r.test_accuracy)},
                    {"hidden", fmt::format("{}", fmt::join(s.hidden, ","))}});
        },
        ex::CheckpointOptions().monitor("test_accuracy"));

    auto history =
        ex::fit(ex::FitOptions().epochs(s.epochs).monitor(
                    monitor.get(), monitor ? (fs::path(s.out_dir) / "gradients.svg").string() : ""),
                train_epoch, eval_epoch, {&keep_best});
    const std::string csv = (fs::path(s.out_dir) / "history.csv").string();
    const std::string svg = (fs::path(s.out_dir) / "history.svg").string();
    if (rank == 0) {
      history.write_csv(csv);
      history.write_svg(svg, fmt::format("Fashion-MNIST, MLP 784-{}-10, AdamW + cosine",
                                         fmt::join(s.hidden, "-")));
    }
    xg::dist::barrier();  // rank 0's checkpoint is complete before every rank reads it

    // The best epoch's model, loaded into a fresh MLP: it must reproduce the accuracy fit()
    // recorded for that epoch exactly.
    const ex::EpochRecord* best = history.best("test_accuracy");
    xg::manual_seed(s.seed + 1);
    nn::MLP reloaded = make_model(s);
    nn::load(reloaded, checkpoint);
    auto e = evaluate(reloaded, test);
    print_report(e);
    double seconds = 0;
    for (const auto& r : history.records()) seconds += r.seconds;
    std::cout << fmt::format(
        "\nbest test accuracy {:.2f}% (epoch {}); the checkpoint loaded into a fresh model gives "
        "{:.2f}% ({})\ntraining: {:.1f} s, {:.0f} samples/s\nwrote {}\n      {}\n      {}\n",
        100 * best->test_accuracy, best->epoch, 100 * e.confusion.accuracy(),
        e.confusion.accuracy() == best->test_accuracy ? "identical" : "DIFFERENT", seconds,
        static_cast<double>(train.size()) * static_cast<double>(history.size()) / seconds,
        checkpoint, csv, svg);
    return e.confusion.accuracy() == best->test_accuracy ? 0 : 1;
  } catch (const std::exception& e) {  // xgrad::Error, and filesystem errors for --out
    std::cerr << "fashion_mnist: "
              << (dynamic_cast<const std::bad_alloc*>(&e)
                      ? "out of memory (a size much larger than intended?)"
                      : e.what())
              << "\n";
    if (!s.synthetic && !fs::exists(s.data_dir))
      std::cerr << "The Fashion-MNIST files are not in " << s.data_dir
                << ". Install Debian's dataset-fashion-mnist (scripts/install-deps.sh does), pass "
                   "--data DIR, or try --synthetic.\n";
    if (xg::dist::is_distributed()) xg::dist::abort(1, e.what());  // never leave ranks waiting
    return 1;
  }
}
