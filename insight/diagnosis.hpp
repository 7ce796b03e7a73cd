#pragma once
// Diagnoses in words from the monitor's samples, each with its evidence and a suggestion:
//   vanishing   gradient norms falling geometrically from the last layer to the first, or the
//               first layer's update ratio under 1e-6 while the last layer's is far above
//   exploding   non-finite values, gradient norms growing by orders of magnitude over a few
//               samples, or rising geometrically from the last layer to the first
//   dead_relu   ReLUs whose units output zero on the whole batch
//   saturation  sigmoid/tanh outputs pinned near their asymptotes
//   lr_too_high / lr_too_low   update-to-weight ratios far from the healthy ~1e-3
//
//   for (const auto& d : xgrad::insight::diagnose(monitor.samples())) std::cout << d.to_string();
#include <string>
#include <vector>

#include <xgrad/insight/sample.hpp>

namespace xgrad::insight {

/// Thresholds of the diagnoses; the defaults are the usual rules of thumb.
struct DiagnosisOptions {
  /// Vanishing (exploding): last/first (first/last) weight-layer gradient-norm ratio at least
  /// this, on a roughly geometric (log-linear, R^2 >= 0.5) profile.
  DiagnosisOptions& layer_span(double v) {
    layer_span_ = v;
    return *this;
  }
  /// Vanishing: first weight layer's update ratio under this ...
  DiagnosisOptions& vanish_update(double v) {
    vanish_update_ = v;
    return *this;
  }
  /// Exploding: growth of the total gradient norm within `window` samples at least this.
  DiagnosisOptions& explode_growth(double v) {
    explode_growth_ = v;
    return *this;
  }
  /// Samples looked back over (>= 1).
  DiagnosisOptions& window(int n) {
    window_ = n;
    return *this;
  }
  /// Dead ReLUs: share of dead units of one activation at least this.
  DiagnosisOptions& dead_share(double v) {
    dead_share_ = v;
    return *this;
  }
  /// Saturation: share of saturated outputs of one activation at least this.
  DiagnosisOptions& saturated_share(double v) {
    saturated_share_ = v;
    return *this;
  }
  /// Learning rate too high: median update ratio of the weight layers above this.
  DiagnosisOptions& lr_high(double v) {
    lr_high_ = v;
    return *this;
  }
  /// Learning rate too low: largest update ratio of the weight layers under this.
  DiagnosisOptions& lr_low(double v) {
    lr_low_ = v;
    return *this;
  }

  double layer_span_ = 1e2;
  double vanish_update_ = 1e-6;
  double explode_growth_ = 1e3;
  int window_ = 3;
  double dead_share_ = 0.5;
  double saturated_share_ = 0.2;
  double lr_high_ = 1e-1;
  double lr_low_ = 1e-5;
};

struct Diagnosis {
  std::string kind;        ///< "vanishing", "exploding", "dead_relu", "saturation",
                           ///< "lr_too_high", "lr_too_low"
  std::string summary;     ///< one line, e.g. "gradients vanish towards the first layers"
  std::string evidence;    ///< the numbers that show it
  std::string suggestion;  ///< what usually fixes it
  int64_t step = 0;        ///< the sample it was seen at
  /// "[vanishing] step 40: summary\n  evidence: ...\n  try: ..."
  std::string to_string() const;
};

/// The diagnoses of `samples` (oldest first), judged mainly on the latest `window` samples;
/// empty when nothing is wrong. ValueError for bad options.
std::vector<Diagnosis> diagnose(const std::vector<Sample>& samples,
                                const DiagnosisOptions& options = {});

}  // namespace xgrad::insight
