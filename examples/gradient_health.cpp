// Why does a deep network not learn? Three 20-layer MLPs are trained on the same data with the
// same optimizer while an insight::GradientMonitor watches them:
//   1. sigmoid, weights N(0, 1)                    -> the gradients vanish on their way back
//   2. ReLU, weights N(0, 1), no normalisation     -> they explode
//   3. ReLU, Kaiming init, LayerNorm, clipping     -> the fix: it learns
// For each it prints the monitor's diagnoses (evidence and suggestion) and writes the plots
// (per-layer gradient norm and update ratio over training, as heatmaps). It exits non-zero
// unless each broken model gets its diagnosis, the fixed one none, and only the fixed one learns.
//
//   ./build/examples/gradient_health                       # writes results/gradient_health/*.svg
//   ./build/examples/gradient_health --steps 120 --out /tmp/gh
#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;
namespace insight = xgrad::insight;
namespace fs = std::filesystem;

namespace {

struct Settings {
  int steps = 300;
  int64_t every = 10;
  int64_t depth = 20;  // Linear layers
  int64_t width = 64;
  int64_t batch = 64;
  double lr = 0.03;
  uint64_t seed = 0;
  std::string out_dir = "results/gradient_health";
};

constexpr int64_t kInputs = 32, kClasses = 4;

/// Inputs N(0, 1) labelled by a random linear teacher: easy for any network whose gradients
/// reach its first layer.
struct Data {
  xg::Tensor x_train, y_train, x_test, y_test;
};
Data make_data(uint64_t seed) {
  xg::manual_seed(seed + 100);
  const auto teacher = xg::randn({kInputs, kClasses});
  Data d;
  d.x_train = xg::randn({2048, kInputs});
  d.x_test = xg::randn({512, kInputs});
  d.y_train = xg::argmax(xg::matmul(d.x_train, teacher), 1);
  d.y_test = xg::argmax(xg::matmul(d.x_test, teacher), 1);
  return d;
}

std::vector<int64_t> sizes(const Settings& s) {
  std::vector<int64_t> out(static_cast<size_t>(s.depth + 1), s.width);
  out.front() = kInputs;
  out.back() = kClasses;
  return out;
}

/// Weights N(0, 1) (biases 0): the variance of the signal grows by fan_in (64) per layer.
nn::MLP unit_normal_mlp(const Settings& s, const std::string& activation) {
  nn::MLP model(sizes(s), nn::MLPOptions().activation(activation));
  xg::NoGradGuard no_grad;
  for (const auto& layer : *model.layers) {
    auto& fc = dynamic_cast<nn::Linear&>(*layer);
    nn::init::normal_(fc.weight, 0.0, 1.0);
    nn::init::zeros_(fc.bias);
  }
  return model;
}

/// The fix: ReLU with Kaiming init (variance 2 / fan_in keeps the signal's scale), LayerNorm.
nn::MLP fixed_mlp(const Settings& s) {
  nn::MLP model(sizes(s), nn::MLPOptions().activation("relu").layer_norm(true));
  xg::NoGradGuard no_grad;
  for (const auto& layer : *model.layers) {
    auto& fc = dynamic_cast<nn::Linear&>(*layer);
    nn::init::kaiming_normal_(fc.weight, 0.0, nn::init::FanMode::FanIn, "relu");
    nn::init::zeros_(fc.bias);
  }
  return model;
}

struct Outcome {
  double first_loss = 0, last_loss = 0, accuracy = 0;
  std::vector<insight::Diagnosis> diagnoses;
};

Outcome train(nn::MLP& model, bool clip, const Data& data, const Settings& s,
              const std::string& svg, const std::string& title) {
  insight::GradientMonitor monitor(model, insight::MonitorOptions().every(s.every));
  optim::SGD opt(model.parameters(), optim::SGDOptions(s.lr).momentum(0.9));
  const int64_t n = data.x_train.size(0);
  Outcome out;
  double tail = 0;
  int tail_count = 0;
  for (int step = 0; step < s.steps; ++step) {
    const int64_t start = (step * s.batch) % n;
    auto x = xg::slice(data.x_train, 0, start, start + s.batch);
    auto y = xg::slice(data.y_train, 0, start, start + s.batch);
    opt.zero_grad();
    auto loss = xg::cross_entropy(model(x), y);
    loss.backward();
    if (clip) optim::clip_grad_norm(model.parameters(), 1.0);
    opt.step();
    monitor.step();
    if (step == 0) out.first_loss = loss.item();
    if (step >= s.steps - 10) tail += loss.item(), ++tail_count;
  }
  out.last_loss = tail / tail_count;
  model.eval();
  {
    xg::NoGradGuard no_grad;
    auto predicted = xg::argmax(model(data.x_test), 1).to_vector();
    auto labels = data.y_test.to_vector();
    int64_t right = 0;
    for (size_t i = 0; i < labels.size(); ++i) right += predicted[i] == labels[i];
    out.accuracy = double(right) / double(labels.size());
  }
  out.diagnoses = monitor.diagnose();
  monitor.write_svg(svg, title);
  return out;
}

bool has(const Outcome& o, const std::string& kind) {
  return std::any_of(o.diagnoses.begin(), o.diagnoses.end(),
                     [&](const insight::Diagnosis& d) { return d.kind == kind; });
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{"Diagnose vanishing and exploding gradients in a deep MLP, and fix them"};
  app.add_option("--steps", s.steps, "training steps per model")->check(CLI::Range(20, 100000));
  app.add_option("--every", s.every, "monitor every N steps")
      ->check(xgrad::examples::integer_in(1, 100000));
  app.add_option("--depth", s.depth, "Linear layers")->check(CLI::Range(3, 200));
  app.add_option("--width", s.width, "hidden units per layer")
      ->check(xgrad::examples::integer_in(1, 100000));
  app.add_option("--lr", s.lr, "SGD learning rate (momentum 0.9), the same for all three")
      ->check(xgrad::examples::positive_number());
  app.add_option("--seed", s.seed, "random seed");
  app.add_option("--out", s.out_dir, "where the plots go");
  CLI11_PARSE(app, argc, argv);

  try {
    fs::create_directories(s.out_dir);
    const Data data = make_data(s.seed);
    struct Case {
      std::string file, title;
      std::function<nn::MLP()> make;
      bool clip;
      std::string expected;  // the diagnosis it must get ("" for none at all)
    };
    const std::string shape = fmt::format("{} x Linear({})", s.depth, s.width);
    const std::vector<Case> cases = {
        {"vanishing", shape + " + sigmoid, weights N(0, 1)",
         [&] { return unit_normal_mlp(s, "sigmoid"); }, false, "vanishing"},
        {"exploding", shape + " + ReLU, weights N(0, 1), no normalisation",
         [&] { return unit_normal_mlp(s, "relu"); }, false, "exploding"},
        {"fixed", shape + " + ReLU, Kaiming init, LayerNorm, gradient clipping 1.0",
         [&] { return fixed_mlp(s); }, true, ""}};

    std::vector<Outcome> outcomes;
    bool ok = true;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      xg::manual_seed(s.seed);
      nn::MLP model = c.make();
      const std::string svg = (fs::path(s.out_dir) / (c.file + ".svg")).string();
      std::cout << fmt::format("== {}. {}: {}\n", i + 1, c.file, c.title);
      Outcome o = train(model, c.clip, data, s, svg, c.title);
      std::cout << fmt::format(
          "loss {:.4g} -> {:.4g} (mean of the last 10 steps), test accuracy "
          "{:.1f}% (chance {:.0f}%)\n",
          o.first_loss, o.last_loss, 100 * o.accuracy, 100.0 / kClasses);
      if (o.diagnoses.empty()) std::cout << "diagnosis: no problem found\n";
      for (const auto& d : o.diagnoses) std::cout << d.to_string() << "\n";
      std::cout << "plots: " << svg << "\n\n";
      const bool expected = c.expected.empty() ? o.diagnoses.empty() : has(o, c.expected);
      if (!expected) {
        std::cout << fmt::format("UNEXPECTED: {} should get {}\n\n", c.file,
                                 c.expected.empty() ? "no diagnosis" : "'" + c.expected + "'");
        ok = false;
      }
      outcomes.push_back(std::move(o));
    }
    const double broken_best = std::max(outcomes[0].accuracy, outcomes[1].accuracy);
    const bool learns = outcomes[2].accuracy >= broken_best + 0.2;
    std::cout << fmt::format(
        "test accuracy: vanishing {:.1f}%, exploding {:.1f}%, fixed {:.1f}% -> {}\n",
        100 * outcomes[0].accuracy, 100 * outcomes[1].accuracy, 100 * outcomes[2].accuracy,
        learns ? "only the fixed model learns"
               : "UNEXPECTED: the fixed model is not clearly better");
    return ok && learns ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gradient_health: " << e.what() << "\n";
    return 1;
  }
}
