#pragma once
// Anomaly mode: a NaN or Inf produced by an op's forward or backward becomes an AutogradError
// naming the op, instead of spreading silently. It costs a scan of every result, so it is off
// unless asked for, per thread (backward uses the mode of the thread that calls it).
//   { xgrad::AnomalyGuard detect; loss.backward(); }
#include <string>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

struct AnomalyMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

class AnomalyGuard {
 public:
  explicit AnomalyGuard(bool enabled = true) : previous_(AnomalyMode::is_enabled()) {
    AnomalyMode::set_enabled(enabled);
  }
  ~AnomalyGuard() { AnomalyMode::set_enabled(previous_); }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool previous_;
};

/// True when a floating tensor holds a NaN or an infinity.
bool has_non_finite(const Tensor& t);
/// Throws AutogradError when output `index` of op `op`'s forward is not finite.
void check_forward_anomaly(const char* op, const TensorList& outputs);

}  // namespace xgrad
