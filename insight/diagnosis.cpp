#include <xgrad/insight/diagnosis.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/error.hpp>

namespace xgrad::insight {

std::string Diagnosis::to_string() const {
  return fmt::format("[{}] step {}: {}\n  evidence: {}\n  try: {}", kind, step, summary, evidence,
                     suggestion);
}

namespace {

bool positive_finite(double v) {
  return std::isfinite(v) && v > 0;
}

/// Least-squares line through (i, y_i): slope and R^2 (1 for a perfect fit).
struct Fit {
  double slope = 0, r2 = 0;
};
Fit fit_line(const std::vector<double>& y) {
  const double n = static_cast<double>(y.size());
  double mx = (n - 1) / 2, my = 0;
  for (double v : y) my += v / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double dx = static_cast<double>(i) - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  Fit f;
  f.slope = sxx > 0 ? sxy / sxx : 0;
  f.r2 = (sxx > 0 && syy > 0) ? sxy * sxy / (sxx * syy) : 0;
  return f;
}

/// The weight layers' gradient norms, as log10 averaged over the recent samples. Empty when a
/// layer has no finite gradient in the window, or a zero one: a gradient that is exactly zero
/// is blocked (dead units, a detached path), not vanishing, and would fake a huge fall.
struct Profile {
  std::vector<std::string> names;
  std::vector<double> log_norm;
};
Profile weight_profile(const std::vector<Sample>& samples, size_t first) {
  Profile p;
  const Sample& last = samples.back();
  for (size_t l = 0; l < last.layers.size(); ++l) {
    if (!last.layers[l].has_matrix) continue;
    double sum = 0;
    int count = 0;
    for (size_t s = first; s < samples.size(); ++s) {
      if (l >= samples[s].layers.size()) continue;
      const double g = samples[s].layers[l].grad_norm;
      if (!std::isfinite(g) || g < 0) continue;
      if (g == 0) return {};
      sum += std::log10(g);
      ++count;
    }
    if (count == 0) return {};
    p.names.push_back(last.layers[l].name);
    p.log_norm.push_back(sum / count);
  }
  return p;
}

std::string profile_text(const Profile& p) {
  // Every layer when few, else the first three and the last three.
  std::vector<std::string> parts;
  const size_t n = p.names.size();
  for (size_t i = 0; i < n; ++i) {
    if (n > 7 && i >= 3 && i + 3 < n) {
      if (i == 3) parts.push_back("...");
      continue;
    }
    parts.push_back(fmt::format("{} {:.1e}", p.names[i], std::pow(10.0, p.log_norm[i])));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

double total_grad_norm(const Sample& s) {
  double sum = 0;
  bool any = false;
  for (const auto& l : s.layers) {
    if (!std::isfinite(l.grad_norm)) continue;
    sum += l.grad_norm * l.grad_norm;
    any = true;
  }
  return any ? std::sqrt(sum) : std::nan("");
}

void check_options(const DiagnosisOptions& o) {
  auto positive = [](const char* name, double v) {
    if (!(v > 0) || !std::isfinite(v))
      throw ValueError(fmt::format("diagnose: {} must be positive and finite, got {}", name, v));
  };
  positive("layer_span", o.layer_span_);
  positive("vanish_update", o.vanish_update_);
  positive("explode_growth", o.explode_growth_);
  positive("dead_share", o.dead_share_);
  positive("saturated_share", o.saturated_share_);
  positive("lr_high", o.lr_high_);
  positive("lr_low", o.lr_low_);
  if (o.window_ < 1)
    throw ValueError(fmt::format("diagnose: window must be >= 1, got {}", o.window_));
  if (o.lr_low_ >= o.lr_high_)
    throw ValueError(
        fmt::format("diagnose: lr_low ({}) must be below lr_high ({})", o.lr_low_, o.lr_high_));
}

/// A list of places, cut to the first `keep` with a count of the rest.
std::string first_few(const std::vector<std::string>& items, size_t keep = 4) {
  std::vector<std::string> shown(items.begin(), items.begin() + std::min(keep, items.size()));
  std::string text = fmt::format("{}", fmt::join(shown, "; "));
  if (items.size() > keep) text += fmt::format("; and {} more", items.size() - keep);
  return text;
}

const char* const kInitAdvice =
    "keep each layer's gain near 1: ReLU-family activations instead of sigmoid/tanh in deep "
    "stacks, Kaiming (ReLU) or Xavier (tanh) init instead of N(0, 1), normalisation "
    "(LayerNorm/BatchNorm), residual connections";

/// Vanishing or exploding across the layers: a geometric fall or rise of the gradient norms.
void check_layer_profile(const std::vector<Sample>& samples, size_t first,
                         const DiagnosisOptions& o, std::vector<Diagnosis>& out) {
  const Profile profile = weight_profile(samples, first);
  if (profile.log_norm.size() < 3) return;
  const Fit fit = fit_line(profile.log_norm);
  const double span = profile.log_norm.back() - profile.log_norm.front();  // decades
  const std::string evidence = fmt::format(
      "weight-layer gradient norms from first to last: {} (x{:.2g} per layer going back, "
      "log-linear fit R^2 = {:.2f})",
      profile_text(profile), std::pow(10.0, -fit.slope), fit.r2);
  const double min_span = std::log10(o.layer_span_);
  const int64_t step = samples.back().step;
  if (span >= min_span && fit.slope > 0 && fit.r2 >= 0.5) {
    out.push_back({"vanishing",
                   fmt::format("gradients vanish towards the first layers: {:.1e}x smaller at {} "
                               "than at {}",
                               std::pow(10.0, span), profile.names.front(), profile.names.back()),
                   evidence, kInitAdvice, step});
  } else if (-span >= min_span && fit.slope < 0 && fit.r2 >= 0.5) {
    out.push_back({"exploding",
                   fmt::format("gradients explode towards the first layers: {:.1e}x larger at {} "
                               "than at {}",
                               std::pow(10.0, -span), profile.names.front(), profile.names.back()),
                   evidence,
                   "scale the init to the fan-in (Kaiming/Xavier), add normalisation "
                   "(LayerNorm), clip the gradient norm (optim::clip_grad_norm)",
                   step});
  }
}

/// Vanishing seen through the updates: the first weight layer hardly moves while the last one
/// does (with plain SGD the update is proportional to the gradient).
void check_frozen_first_layer(const Sample& last, const DiagnosisOptions& o,
                              std::vector<Diagnosis>& out) {
  const LayerSample *lo = nullptr, *hi = nullptr;  // the first and last weight layers
  for (const auto& l : last.layers) {
    if (!l.has_matrix) continue;
    if (!lo) lo = &l;
    hi = &l;
  }
  // A ratio of exactly 0 means no update at all (no gradient, or no step): not vanishing.
  if (!lo || lo == hi || !std::isfinite(lo->update_ratio) || !(lo->update_ratio > 0) ||
      lo->update_ratio >= o.vanish_update_ || !positive_finite(hi->update_ratio) ||
      hi->update_ratio < 100 * lo->update_ratio)
    return;
  out.push_back({"vanishing",
                 fmt::format("the first layer ({}) barely moves: its updates are {:.1e} of its "
                             "weights",
                             lo->name, lo->update_ratio),
                 fmt::format("update/weight ratio {:.1e} at {} against {:.1e} at {}",
                             lo->update_ratio, lo->name, hi->update_ratio, hi->name),
                 kInitAdvice, last.step});
}

/// The first sample with non-finite values, with the gradient norm of the sample before it.
void check_non_finite(const std::vector<Sample>& samples, std::vector<Diagnosis>& out) {
  for (size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    if (s.non_finite.empty()) continue;
    std::string evidence = fmt::format("first seen at step {} in {}", s.step, s.non_finite);
    if (i > 0 && std::isfinite(total_grad_norm(samples[i - 1])))
      evidence += fmt::format("; the total gradient norm was {:.2e} at step {}",
                              total_grad_norm(samples[i - 1]), samples[i - 1].step);
    out.push_back({"exploding", "non-finite values (NaN or inf) in training", evidence,
                   "lower the learning rate, clip the gradient norm (optim::clip_grad_norm), "
                   "scale the init to the fan-in, add normalisation; sample every step, or run "
                   "one under xgrad::AnomalyGuard, to see where it starts",
                   s.step});
    return;
  }
}

/// The total gradient norm growing by orders of magnitude within the window.
void check_growth(const std::vector<Sample>& samples, size_t first, const DiagnosisOptions& o,
                  std::vector<Diagnosis>& out) {
  double worst = 1, from_norm = 0, to_norm = 0;
  int64_t from = 0, to = 0;
  const size_t begin = first > 0 ? first - 1 : 0;  // `window` growth steps need window+1 samples
  for (size_t i = begin; i < samples.size(); ++i) {
    const double a = total_grad_norm(samples[i]);
    if (!positive_finite(a)) continue;
    for (size_t j = i + 1; j < samples.size(); ++j) {
      const double b = total_grad_norm(samples[j]);
      if (positive_finite(b) && b / a > worst) {
        worst = b / a;
        from = samples[i].step, to = samples[j].step, from_norm = a, to_norm = b;
      }
    }
  }
  if (worst < o.explode_growth_) return;
  out.push_back({"exploding",
                 fmt::format("the gradient norm grew {:.1e}x in {} steps", worst, to - from),
                 fmt::format("total gradient norm {:.2e} at step {}, {:.2e} at step {}", from_norm,
                             from, to_norm, to),
                 "lower the learning rate, clip the gradient norm (optim::clip_grad_norm), add "
                 "normalisation",
                 to});
}

void check_activations(const Sample& last, const DiagnosisOptions& o, std::vector<Diagnosis>& out) {
  std::vector<std::string> dead, saturated;
  for (const auto& a : last.activations) {
    const std::string where = a.after.empty() ? a.name : a.name + " after " + a.after;
    if (a.kind == "relu" && a.units > 0 && a.dead_share >= o.dead_share_)
      dead.push_back(fmt::format("{}: {:.0f}% of {} units", where, 100 * a.dead_share, a.units));
    if ((a.kind == "sigmoid" || a.kind == "tanh") && a.saturated_share >= o.saturated_share_)
      saturated.push_back(
          fmt::format("{} ({}): {:.0f}% of outputs", where, a.kind, 100 * a.saturated_share));
  }
  if (!dead.empty())
    out.push_back({"dead_relu", "ReLU units output zero on the whole batch (they get no gradient)",
                   first_few(dead),
                   "lower the learning rate, use Kaiming init, LeakyReLU/GELU, or normalisation "
                   "before the activation",
                   last.step});
  if (!saturated.empty())
    out.push_back({"saturation", "sigmoid/tanh outputs sit at their asymptotes (gradient ~0)",
                   first_few(saturated),
                   "smaller init (Xavier), normalisation before the activation (LayerNorm), or "
                   "ReLU-family activations in hidden layers",
                   last.step});
}

/// The learning rate, from the update-to-weight ratios (~1e-3 is healthy).
void check_learning_rate(const std::vector<Sample>& samples, size_t first,
                         const DiagnosisOptions& o, std::vector<Diagnosis>& out) {
  std::vector<double> medians;
  double largest = -1;
  for (size_t s = first; s < samples.size(); ++s) {
    std::vector<double> ratios;
    for (const auto& l : samples[s].layers)
      if (l.has_matrix && std::isfinite(l.update_ratio)) ratios.push_back(l.update_ratio);
    if (ratios.empty()) continue;
    medians.push_back(median(ratios));
    largest = std::max(largest, *std::max_element(ratios.begin(), ratios.end()));
  }
  if (medians.empty()) return;
  const double m = median(medians);
  const int64_t step = samples.back().step;
  if (m > o.lr_high_) {
    out.push_back({"lr_too_high",
                   fmt::format("the learning rate is far too high: each step changes the weights "
                               "by {:.1e} of their size",
                               m),
                   fmt::format("median update/weight ratio {:.2e} over the weight layers "
                               "(healthy ~1e-3)",
                               m),
                   fmt::format("divide the learning rate by about {:.0f}", m / 1e-3), step});
  } else if (largest >= 0 && largest < o.lr_low_) {
    out.push_back(
        {"lr_too_low", "the learning rate is far too low: no layer's weights move",
         fmt::format("largest update/weight ratio {:.2e} over the weight layers "
                     "(healthy ~1e-3)",
                     largest),
         fmt::format("multiply the learning rate by about {:.0f}", 1e-3 / std::max(largest, 1e-12)),
         step});
  }
}

}  // namespace

std::vector<Diagnosis> diagnose(const std::vector<Sample>& samples, const DiagnosisOptions& o) {
  check_options(o);
  std::vector<Diagnosis> out;
  if (samples.empty()) return out;
  const Sample& last = samples.back();
  const size_t window = static_cast<size_t>(o.window_);
  const size_t first = samples.size() > window ? samples.size() - window : 0;
  check_non_finite(samples, out);
  // Once the latest sample holds NaN or inf, its norms, ratios and activations say nothing
  // more (a NaN pre-activation reads as a dead ReLU): the non-finite values are the diagnosis.
  if (!last.non_finite.empty()) return out;
  check_layer_profile(samples, first, o, out);
  if (out.empty() || out.back().kind != "vanishing") check_frozen_first_layer(last, o, out);
  check_growth(samples, first, o, out);
  check_activations(last, o, out);
  check_learning_rate(samples, first, o, out);
  return out;
}

}  // namespace xgrad::insight
