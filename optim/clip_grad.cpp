#include <xgrad/optim/clip_grad.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/detail/storage.hpp>

namespace xgrad::optim {
namespace {

/// The gradients of the parameters that have one, after checking each handle.
std::vector<Tensor> defined_grads(const std::vector<Tensor>& params, const char* fn) {
  std::vector<Tensor> grads;
  grads.reserve(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].defined()) {
      throw ValueError(
          fmt::format("{}: parameter {} of {} is an undefined tensor", fn, i, params.size()));
    }
    Tensor g = params[i].grad();
    if (g.defined()) grads.push_back(std::move(g));
  }
  return grads;
}

/// max that propagates NaN (as torch.max does): one NaN gradient makes the inf-norm NaN.
double nan_max(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  return a > b ? a : b;
}

/// ‖g‖ₚ of one gradient, accumulated in double in row-major order.
double grad_norm(const Tensor& g, double p) {
  return visit_floating(g.dtype(), "clip_grad_norm", [&](auto zero) {
    using T = decltype(zero);
    const T* d = raw_data<T>(g);
    const int64_t n = g.numel();
    double acc = 0.0;
    if (std::isinf(p)) {
      for (int64_t i = 0; i < n; ++i) acc = nan_max(acc, std::abs(static_cast<double>(d[i])));
      return acc;
    }
    if (p == 1.0) {
      for (int64_t i = 0; i < n; ++i) acc += std::abs(static_cast<double>(d[i]));
      return acc;
    }
    if (p == 2.0) {
      for (int64_t i = 0; i < n; ++i) acc += static_cast<double>(d[i]) * d[i];
      return std::sqrt(acc);
    }
    for (int64_t i = 0; i < n; ++i) acc += std::pow(std::abs(static_cast<double>(d[i])), p);
    return std::pow(acc, 1.0 / p);
  });
}

/// ‖(n₁, …, nₖ)‖ₚ of the per-gradient norms (all ≥ 0).
double norm_of_norms(const std::vector<double>& norms, double p) {
  double acc = 0.0;
  if (std::isinf(p)) {
    for (double v : norms) acc = nan_max(acc, v);
    return acc;
  }
  if (p == 1.0) {
    for (double v : norms) acc += v;
    return acc;
  }
  if (p == 2.0) {
    for (double v : norms) acc += v * v;
    return std::sqrt(acc);
  }
  for (double v : norms) acc += std::pow(v, p);
  return std::pow(acc, 1.0 / p);
}

/// Applies f to every element of g in place and bumps its version counter.
template <class F>
void map_inplace(const Tensor& g, const char* fn, F&& f) {
  visit_floating(g.dtype(), fn, [&](auto zero) {
    using T = decltype(zero);
    T* d = raw_data<T>(g);
    const int64_t n = g.numel();
    for (int64_t i = 0; i < n; ++i) d[i] = f(d[i]);
  });
  g.bump_version();
}

}  // namespace

double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type,
                      bool error_if_nonfinite) {
  if (!(max_norm >= 0.0)) {  // also refuses NaN
    throw ValueError(fmt::format(
        "clip_grad_norm: max_norm must be >= 0, got {}; it is the largest gradient norm kept",
        max_norm));
  }
  if (!(norm_type > 0.0)) {
    throw ValueError(fmt::format(
        "clip_grad_norm: norm_type must be a p > 0 or infinity (optim::kInfNorm), got {}",
        norm_type));
  }
  const std::vector<Tensor> grads = defined_grads(params, "clip_grad_norm");
  if (grads.empty()) return 0.0;

  std::vector<double> norms;
  norms.reserve(grads.size());
  for (const auto& g : grads) norms.push_back(grad_norm(g, norm_type));
  const double total = norm_of_norms(norms, norm_type);

  if (error_if_nonfinite && !std::isfinite(total)) {
    throw ValueError(fmt::format(
        "clip_grad_norm: the total norm of order {} of the gradients is {}, so it cannot be "
        "clipped; a gradient holds NaN or Inf (often a too large learning rate or a log of 0). "
        "Pass error_if_nonfinite = false to scale by the non-finite norm anyway",
        norm_type, total));
  }
  // PyTorch: clip_coef = max_norm / (total + 1e-6), clamped to at most 1. A factor of 1 changes
  // nothing, so only a smaller one (or NaN, which PyTorch also multiplies in) touches the data.
  const double coef = max_norm / (total + 1e-6);
  if (!(coef >= 1.0)) {
    for (const auto& g : grads) {
      map_inplace(g, "clip_grad_norm", [coef](auto v) {
        using T = decltype(v);
        return static_cast<T>(v * static_cast<T>(coef));
      });
    }
  }
  return total;
}

void clip_grad_value(const std::vector<Tensor>& params, double clip_value) {
  if (!(clip_value >= 0.0)) {
    throw ValueError(
        fmt::format("clip_grad_value: clip_value must be >= 0, got {}; gradients are clamped into "
                    "[-clip_value, clip_value]",
                    clip_value));
  }
  for (const auto& g : defined_grads(params, "clip_grad_value")) {
    map_inplace(g, "clip_grad_value", [clip_value](auto v) {
      using T = decltype(v);
      const T c = static_cast<T>(clip_value);
      return v > c ? c : (v < -c ? -c : v);  // comparisons with NaN are false: NaN stays
    });
  }
}

}  // namespace xgrad::optim
