// What does the Fashion-MNIST model look at? Loads the checkpoint the main example wrote,
// classifies the test set, and for a few correctly and a few wrongly classified images of each
// class computes integrated gradients (or saliency, or gradient x input) for the predicted
// class. Writes one SVG: a row per class, each image followed by its attribution heatmap (red:
// pixels that raise the predicted class's score, blue: pixels that lower it). Prints the
// completeness error of integrated gradients: how far the attributions' sum is from
// f(image) - f(black image).
//
//   ./build/examples/fashion_mnist                         # trains, writes the checkpoint
//   ./build/examples/explain_fashion_mnist                 # -> results/explain_fashion_mnist/
//   ./build/examples/explain_fashion_mnist --method saliency --correct 3 --wrong 3
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <xgrad/xgrad.hpp>

#include "support/checkpoint_sizes.hpp"
#include "support/fashion_classes.hpp"

namespace xg = xgrad;
namespace ex = xgrad::examples;
namespace nn = xgrad::nn;
namespace data = xgrad::data;
namespace explain = xgrad::explain;
namespace insight = xgrad::insight;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string>& kClassNames = ex::kFashionClassNames;
constexpr int64_t kSide = 28, kClasses = 10;

struct Settings {
  std::string checkpoint = "results/fashion_mnist/fashion_mnist.safetensors";
  std::string data_dir = "/usr/share/datasets/fashion-mnist";
  std::string out_dir = "results/explain_fashion_mnist";
  std::string method = "integrated_gradients";
  int64_t correct = 2, wrong = 2, steps = 32;
};

/// The MLP the checkpoint was trained as (its metadata names the hidden sizes), loaded.
nn::MLP load_model(const std::string& path) {
  xg::Metadata metadata;
  xg::load_tensors(path, &metadata);
  std::vector<int64_t> sizes = {kSide * kSide};
  if (metadata.count("hidden")) {
    const auto hidden = ex::parse_hidden_sizes(metadata.at("hidden"), path);
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  } else {
    sizes.insert(sizes.end(), {256, 128});  // the main example's default
  }
  sizes.push_back(kClasses);
  nn::MLP model(sizes, nn::MLPOptions().activation("relu"));
  nn::load(model, path);
  model.eval();
  return model;
}

/// One image to draw: its row in the test set, true and predicted class.
struct Pick {
  int64_t index, label, predicted;
};

/// The first `correct` right and `wrong` wrong predictions of each class, class by class.
std::vector<Pick> pick_images(const std::vector<double>& labels,
                              const std::vector<double>& predicted, const Settings& s) {
  std::vector<Pick> picks;
  for (int64_t c = 0; c < kClasses; ++c) {
    int64_t right = 0, bad = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
      if (static_cast<int64_t>(labels[i]) != c) continue;
      const bool ok = labels[i] == predicted[i];
      if (ok ? right >= s.correct : bad >= s.wrong) continue;
      (ok ? right : bad)++;
      picks.push_back({static_cast<int64_t>(i), c, static_cast<int64_t>(predicted[i])});
    }
  }
  return picks;
}

/// Draws one 28x28 image at (x, y), `scale` pixels per pixel: a background rectangle in
/// colour(0), then only the pixels that differ visibly from it (keeps the file small).
template <class Colour>
void draw_image(insight::Svg& svg, const std::vector<double>& pixels, size_t offset, double x,
                double y, double scale, Colour colour) {
  const double side = kSide * scale;
  svg.rect(x, y, side, side, colour(0.0));
  for (int64_t r = 0; r < kSide; ++r)
    for (int64_t c = 0; c < kSide; ++c) {
      const double v = pixels[offset + static_cast<size_t>(r * kSide + c)];
      if (std::abs(v) < 0.01) continue;
      svg.rect(x + c * scale, y + r * scale, scale + 0.05, scale + 0.05, colour(v));
    }
}

void write_svg(const std::string& path, const std::vector<Pick>& picks,
               const std::vector<double>& images, const std::vector<double>& attributions,
               const Settings& s) {
  const double scale = 2, tile = kSide * scale, gap = 8, left = 110, top = 50, row_h = tile + 30;
  const int64_t per_row = s.correct + s.wrong;
  insight::Svg svg(left + per_row * (2 * tile + 3 * gap) + 20, top + kClasses * row_h + 20);
  svg.text(10, 22,
           fmt::format("What the model looks at: {} for the predicted class (red raises its score, "
                       "blue lowers it); {} right, then {} wrong, per class",
                       s.method, s.correct, s.wrong),
           13);
  const size_t pixels = kSide * kSide;
  for (int64_t c = 0; c < kClasses; ++c) {
    const double y = top + c * row_h;
    svg.text(left - 8, y + tile / 2 + 4, kClassNames[static_cast<size_t>(c)], 12, "end");
    int64_t slot_right = 0, slot_wrong = s.correct;
    for (size_t k = 0; k < picks.size(); ++k) {
      const Pick& p = picks[k];
      if (p.label != c) continue;
      const bool ok = p.label == p.predicted;
      const int64_t slot = ok ? slot_right++ : slot_wrong++;
      const double x = left + slot * (2 * tile + 3 * gap);
      double peak = 1e-12;  // each heatmap on its own scale: +-max|attribution| of that image
      for (size_t i = 0; i < pixels; ++i)
        peak = std::max(peak, std::abs(attributions[k * pixels + i]));
      draw_image(svg, images, k * pixels, x, y, scale, insight::gray);
      std::vector<double> heat(attributions.begin() + k * pixels,
                               attributions.begin() + (k + 1) * pixels);
      for (double& v : heat) v /= peak;
      draw_image(svg, heat, 0, x + tile + gap, y, scale, insight::diverging);
      svg.frame(x + tile + gap, y, tile, tile, "#bbb");
      svg.text(x, y + tile + 14,
               fmt::format("#{} {} {}", p.index,
                           ok ? "right:" : "wrong:", kClassNames[static_cast<size_t>(p.predicted)]),
               10, "start", 0, ok ? "#222" : "#c00");
    }
  }
  svg.save(path);
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  CLI::App app{"Attribution heatmaps for the Fashion-MNIST model's decisions"};
  app.add_option("--checkpoint", s.checkpoint, "the main example's checkpoint");
  app.add_option("--data", s.data_dir, "directory with the Fashion-MNIST IDX files");
  app.add_option("--out", s.out_dir, "where attributions.svg goes");
  app.add_option("--method", s.method, "integrated_gradients, saliency or gradient_x_input")
      ->check(CLI::IsMember({"integrated_gradients", "saliency", "gradient_x_input"}));
  app.add_option("--correct", s.correct, "correctly classified images per class")
      ->check(CLI::Range(0, 10));
  app.add_option("--wrong", s.wrong, "wrongly classified images per class")
      ->check(CLI::Range(0, 10));
  app.add_option("--steps", s.steps, "integration steps (even)")->check(CLI::Range(2, 10000));
  CLI11_PARSE(app, argc, argv);

  try {
    fs::create_directories(s.out_dir);
    nn::MLP model = load_model(s.checkpoint);
    const data::TensorDataset test = data::load_mnist(s.data_dir, /*train=*/false);
    std::vector<double> predicted;
    {
      xg::NoGradGuard no_grad;
      predicted = xg::argmax(model(test.inputs()), 1).to_vector();
    }
    const auto labels = test.targets().to_vector();
    const auto picks = pick_images(labels, predicted, s);
    if (picks.empty()) throw xg::ValueError("explain_fashion_mnist: no image to explain");
    std::vector<int64_t> rows, targets;
    for (const auto& p : picks) rows.push_back(p.index), targets.push_back(p.predicted);
    const int64_t n = static_cast<int64_t>(rows.size());
    const auto x = xg::index_select(test.inputs(), 0, xg::tensor(rows, {n}));
    const auto target = xg::tensor(targets, {n});
    explain::ScoreFn f = [&](const xg::Tensor& in) { return model(in); };

    xg::Tensor attributions;
    if (s.method == "saliency") {
      attributions = explain::saliency(f, x, target);
    } else if (s.method == "gradient_x_input") {
      attributions = explain::gradient_x_input(f, x, target);
    } else {
      auto ig = explain::integrated_gradients(f, x, target,
                                              explain::IntegratedGradientsOptions().steps(s.steps));
      attributions = ig.attributions;
      std::cout << fmt::format(
          "integrated gradients, {} steps from a black image: completeness error max |sum(attr) "
          "- (f(x) - f(black))| = {:.2e} (estimated integration error {:.2e}; scores differ by "
          "up to {:.2f})\n",
          s.steps, ig.max_abs_delta, ig.max_error_estimate,
          xg::max(xg::abs(ig.score - ig.baseline_score)).item());
    }
    int64_t right = 0;
    for (const auto& p : picks) right += p.label == p.predicted;
    const std::string path = (fs::path(s.out_dir) / "attributions.svg").string();
    write_svg(path, picks, x.to_vector(), attributions.to_vector(), s);
    std::cout << fmt::format("{} images ({} right, {} wrong) explained; wrote {}\n", n, right,
                             n - right, path);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "explain_fashion_mnist: " << e.what() << "\n";
    if (!fs::exists(s.checkpoint))
      std::cerr << "No checkpoint at " << s.checkpoint
                << ": run ./build/examples/fashion_mnist first, or pass --checkpoint.\n";
    return 1;
  }
}
