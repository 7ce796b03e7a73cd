#pragma once
// A small epoch loop the examples share: the caller brings the model through two lambdas
// (one training epoch, one evaluation), fit() times them, keeps the history, prints one
// summary line per epoch and runs the callbacks. Not a framework: no model or optimizer types.
//
//   auto history = fit(FitOptions().epochs(10),
//       [&](int epoch) { ...train one epoch...; return TrainResult{mean_loss, samples, lr}; },
//       [&](int epoch) { ...evaluate...;        return EvalResult{test_loss, accuracy}; },
//       {&early_stopping, &checkpoint});
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "callbacks.hpp"
#include "history.hpp"

namespace xgrad::insight {
class GradientMonitor;
}

namespace xgrad::examples {

/// What one training epoch reports.
struct TrainResult {
  double loss = EpochRecord::kNaN;  ///< mean training loss over the epoch
  int64_t samples = 0;              ///< examples seen (for samples/s)
  double lr = EpochRecord::kNaN;    ///< learning rate used (for the history)
};

/// What one evaluation reports. Accuracy is a fraction in [0, 1].
struct EvalResult {
  double loss = EpochRecord::kNaN;
  double accuracy = EpochRecord::kNaN;
};

/// fit() settings; setters chain.
struct FitOptions {
  /// Number of epochs (>= 1).
  FitOptions& epochs(int n) {
    epochs_ = n;
    return *this;
  }
  /// Where the per-epoch summary goes (default std::cout; nullptr for none).
  FitOptions& log(std::ostream* os) {
    log_ = os;
    log_set_ = true;
    return *this;
  }
  /// Reports a gradient monitor after each epoch: its diagnoses (or that the gradients look
  /// healthy) under the epoch line, and its plots rewritten to `svg_path` (none when empty).
  /// The train function calls monitor.step() after each optimizer step.
  ///   Example: .monitor(&monitor, "results/gradients.svg")
  FitOptions& monitor(const insight::GradientMonitor* m, std::string svg_path = "") {
    monitor_ = m;
    monitor_svg_ = std::move(svg_path);
    return *this;
  }
  int epochs_ = 10;
  std::ostream* log_ = nullptr;
  const insight::GradientMonitor* monitor_ = nullptr;
  std::string monitor_svg_;
  bool log_set_ = false;
};

/// Runs epochs 1..epochs: train(epoch), then eval(epoch) (may be empty), then the callbacks;
/// stops early when a callback asks. Returns the history. Exceptions from the lambdas propagate.
///   Example: auto h = fit(FitOptions().epochs(5), train_epoch, evaluate);
History fit(const FitOptions& options, const std::function<TrainResult(int epoch)>& train,
            const std::function<EvalResult(int epoch)>& eval,
            const std::vector<Callback*>& callbacks = {});

/// What fit() prints for a monitor after an epoch: one line when healthy, else each diagnosis.
std::string format_monitor(const insight::GradientMonitor& monitor);

/// The summary line fit() prints for a record.
///   "epoch  3/10 | train loss 0.4123 | test loss 0.4500 | test acc 84.12% | lr 1e-03 | 12.3s
///   | 4.9k samples/s"
std::string format_epoch(const EpochRecord& record, int epochs);

}  // namespace xgrad::examples
