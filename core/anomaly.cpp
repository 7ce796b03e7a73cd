#include <xgrad/core/anomaly.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/detail/storage.hpp>

namespace xgrad {
namespace {
thread_local bool anomaly_enabled = false;
}

bool AnomalyMode::is_enabled() {
  return anomaly_enabled;
}
void AnomalyMode::set_enabled(bool enabled) {
  anomaly_enabled = enabled;
}

bool has_non_finite(const Tensor& t) {
  if (!t.defined() || !is_floating(t.dtype())) return false;
  const Tensor d = dense(t);  // a view's own elements
  return visit_floating(t.dtype(), "anomaly", [&](auto z) {
    const auto* p = raw_data<decltype(z)>(d);
    for (int64_t i = 0, n = d.numel(); i < n; ++i)
      if (!std::isfinite(p[i])) return true;
    return false;
  });
}

void check_forward_anomaly(const char* op, const TensorList& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (has_non_finite(outputs[i])) {
      throw AutogradError(
          fmt::format("anomaly mode: the forward of op '{}' produced NaN or Inf "
                      "in output {} (shape {})",
                      op, i, shape_str(outputs[i].shape())));
    }
  }
}

}  // namespace xgrad
