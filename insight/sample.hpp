#pragma once
// What GradientMonitor records at each sampled step, kept separate from the monitor so that
// diagnose() and the plots work on any history, recorded or constructed by hand (tests).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace xgrad::insight {

/// One module that owns parameters (a Linear, a LayerNorm), at one sampled step.
struct LayerSample {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::string name;         ///< dotted module name, e.g. "layers.3"
  bool has_matrix = false;  ///< owns a parameter of 2 or more dims (a weight matrix)
  // Each value is NaN when not measured and +inf when the tensors held NaN or inf.
  double grad_norm = kNaN;    ///< ||grad|| over its own parameters (NaN: no gradient yet)
  double weight_norm = kNaN;  ///< ||parameters||
  /// ||w_after - w_before|| / ||w_before|| over the optimizer step.
  double update_ratio = kNaN;
};

/// One call of an activation module (ReLU, Sigmoid, Tanh) in the sampled step's forward.
struct ActivationSample {
  std::string name;   ///< module name, with "[k]" for the k-th call of a shared module
  std::string after;  ///< the last weight layer that ran before it ("" if none)
  std::string kind;   ///< "relu", "sigmoid" or "tanh"
  int64_t units = 0;  ///< features per example (elements of one row)
  /// ReLU: share of units whose output is zero for every example of the batch.
  double dead_share = 0;
  /// Sigmoid/tanh: share of outputs within the saturation margin of the asymptotes.
  double saturated_share = 0;
};

/// Everything measured at one sampled step.
struct Sample {
  int64_t step = 0;                           ///< 0-based training step
  std::vector<LayerSample> layers;            ///< in forward order (the same at every sample)
  std::vector<ActivationSample> activations;  ///< in call order
  /// Where non-finite values appeared first in this step ("" when everything was finite),
  /// e.g. "forward: output of layers.7" or "backward: gradient of the input of layers.12".
  std::string non_finite;
};

}  // namespace xgrad::insight
