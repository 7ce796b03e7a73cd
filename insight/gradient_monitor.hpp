#pragma once
// GradientMonitor: watches a model while it trains and answers "why does it not learn?".
// Every `every` steps it records, per layer (module owning parameters), the gradient norm,
// the weight norm and the update-to-weight ratio of the optimizer step; per activation call
// (ReLU, Sigmoid, Tanh modules) the share of dead units and of saturated outputs; and where
// non-finite values appeared first, forward or backward. It sees the model through module
// hooks only while it samples, so the other steps cost nothing.
//
//   xgrad::insight::GradientMonitor monitor(model, xgrad::insight::MonitorOptions().every(10));
//   for (auto& [x, y] : loader) {
//     opt->zero_grad();
//     xgrad::cross_entropy(model(x), y).backward();
//     opt->step();
//     monitor.step();                            // after the optimizer step
//   }
//   for (auto& d : monitor.diagnose()) std::cout << d.to_string() << "\n";
//   monitor.write_svg("gradients.svg");
//
// The model must outlive the monitor. Activations are seen only when they are modules called
// as `module(x)` (nn::MLP and Sequential do): a functional xgrad::relu inside a custom
// forward is invisible to it.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/insight/diagnosis.hpp>
#include <xgrad/insight/sample.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::insight {

struct MonitorOptions {
  /// Sample every n-th step (steps 0, n, 2n, ...); n >= 1.  Example: .every(10)
  MonitorOptions& every(int64_t n) {
    every_ = n;
    return *this;
  }
  /// A sigmoid/tanh output within this distance of an asymptote counts as saturated.
  MonitorOptions& saturation_margin(double eps) {
    saturation_margin_ = eps;
    return *this;
  }
  int64_t every_ = 10;
  double saturation_margin_ = 0.01;
};

class GradientMonitor {
 public:
  /// Attaches to `model` (which must outlive the monitor). ValueError when every < 1, the
  /// margin is not in (0, 0.5), or the model has no parameters.
  explicit GradientMonitor(nn::Module& model, const MonitorOptions& options = {});
  /// Removes the hooks it placed.
  ~GradientMonitor();
  GradientMonitor(const GradientMonitor&) = delete;
  GradientMonitor& operator=(const GradientMonitor&) = delete;

  /// Call once per training step, after the optimizer step: closes this step's sample when it
  /// is a sampled one and prepares the next.
  void step();
  /// Steps seen so far.
  int64_t steps() const { return steps_; }
  /// The samples so far, oldest first.
  const std::vector<Sample>& samples() const { return samples_; }

  /// The diagnoses of the samples so far (see diagnosis.hpp).
  std::vector<Diagnosis> diagnose(const DiagnosisOptions& options = {}) const {
    return insight::diagnose(samples_, options);
  }
  /// A table of the latest sample, then the diagnoses (or "no problem found").
  std::string report(const DiagnosisOptions& options = {}) const;
  /// The plots (gradient-norm heatmap, update-ratio heatmap) as SVG; IOError when the path
  /// cannot be written, ValueError before the first sample.
  void write_svg(const std::string& path, const std::string& title = "") const;

 private:
  struct Layer {
    std::string name;
    nn::Module* module = nullptr;
    std::vector<Tensor> parameters;
    std::vector<Tensor> before;  // the parameters before this step's update (sampled steps)
    bool has_matrix = false;
  };
  struct Site {  // one call of an activation module within a step
    std::string name, after, kind;
    std::vector<uint8_t> alive;
    int64_t saturated = 0, elements = 0;
  };

  void arm();
  void disarm();
  void on_forward(nn::Module& module, const Tensor& output);
  void on_backward(nn::Module& module, const Tensor& grad_input, const Tensor& grad_output);
  void record_non_finite(const std::string& where);
  Sample collect();

  nn::Module& model_;
  MonitorOptions options_;
  std::vector<Layer> layers_;
  std::map<const nn::Module*, std::string> names_;
  std::map<const nn::Module*, size_t> layer_index_;
  std::vector<nn::HookHandle> handles_;
  bool armed_ = false;
  bool ordered_ = false;  // layers_ sorted into forward order (done on the first sample)
  std::vector<size_t> call_order_;
  std::map<std::pair<const nn::Module*, int64_t>, Site> sites_;
  std::vector<std::pair<const nn::Module*, int64_t>> site_order_;
  std::map<const nn::Module*, int64_t> calls_;
  std::string last_weight_layer_;
  std::mutex non_finite_mutex_;  // backward hooks run on the engine's threads
  std::string non_finite_;
  int64_t steps_ = 0;
  std::vector<Sample> samples_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace xgrad::insight
