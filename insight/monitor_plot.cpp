#include <xgrad/insight/monitor_plot.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include <xgrad/core/error.hpp>
#include <xgrad/insight/svg.hpp>

namespace xgrad::insight {

namespace {

constexpr double kLeft = 170, kRight = 90, kTitle = 40, kPanelGap = 70, kAxis = 30;
const Rgb kNonFinite{255, 0, 255}, kMissing{225, 225, 225};

struct Grid {
  double cell_w, cell_h, width, height;  // cell and panel sizes
};

/// One heatmap panel at vertical offset `top`: value(sample, layer) -> colour.
void heatmap(Svg& svg, const std::vector<Sample>& samples, const Grid& g, double top,
             const std::string& heading, const std::function<double(const LayerSample&)>& value,
             const std::function<Rgb(double)>& colour, const std::string& unit) {
  svg.text(kLeft, top - 10, heading, 14);
  const auto& names = samples.back().layers;
  for (size_t l = 0; l < names.size(); ++l) {
    const double y = top + static_cast<double>(l) * g.cell_h;
    svg.text(kLeft - 6, y + g.cell_h * 0.75, names[l].name, std::min(11.0, g.cell_h), "end");
    for (size_t s = 0; s < samples.size(); ++s) {
      const double x = kLeft + static_cast<double>(s) * g.cell_w;
      const bool has = l < samples[s].layers.size();
      const double v = has ? value(samples[s].layers[l]) : std::nan("");
      const Rgb fill = std::isnan(v) ? kMissing : std::isinf(v) ? kNonFinite : colour(v);
      const std::string shown = std::isnan(v)   ? "not measured"
                                : std::isinf(v) ? "non-finite"
                                                : fmt::format("{:.3e}", std::pow(10.0, v));
      svg.rect(x, y, g.cell_w + 0.2, g.cell_h + 0.2, fill,
               fmt::format("{} step {}: {} {}", names[l].name, samples[s].step, unit, shown));
    }
  }
  svg.frame(kLeft, top, g.width, g.height);
  // Step labels: about eight along the axis.
  const size_t every = std::max<size_t>(1, samples.size() / 8);
  for (size_t s = 0; s < samples.size(); s += every) {
    const double x = kLeft + (static_cast<double>(s) + 0.5) * g.cell_w;
    svg.line(x, top + g.height, x, top + g.height + 4);
    svg.text(x, top + g.height + 16, std::to_string(samples[s].step), 10, "middle");
  }
  svg.text(kLeft + g.width / 2, top + g.height + 28, "training step", 11, "middle");
}

/// A vertical colour bar right of a panel, labelled at its ends and middle.
void colour_bar(Svg& svg, const Grid& g, double top, const std::function<Rgb(double)>& colour,
                double lo, double hi, const std::string& lo_label, const std::string& mid_label,
                const std::string& hi_label) {
  const double x = kLeft + g.width + 16, steps = 40, h = g.height / steps;
  for (int i = 0; i < steps; ++i) {
    const double v = hi - (hi - lo) * (i + 0.5) / steps;  // high values at the top
    svg.rect(x, top + i * h, 14, h + 0.2, colour(v));
  }
  svg.frame(x, top, 14, g.height);
  svg.text(x + 18, top + 8, hi_label, 10);
  svg.text(x + 18, top + g.height / 2 + 4, mid_label, 10);
  svg.text(x + 18, top + g.height, lo_label, 10);
}

}  // namespace

std::string monitor_svg(const std::vector<Sample>& samples, const std::string& title) {
  if (samples.empty() || samples.back().layers.empty())
    throw ValueError(
        "monitor_svg: no samples with layers to plot (the monitor samples at its first step() "
        "and every n-th after)");
  const double n = static_cast<double>(samples.size());
  const double layers = static_cast<double>(samples.back().layers.size());
  Grid g;
  g.cell_w = std::clamp(720.0 / n, 2.0, 28.0);
  g.cell_h = std::clamp(360.0 / layers, 6.0, 22.0);
  g.width = g.cell_w * n;
  g.height = g.cell_h * layers;

  // Gradient norms on a log scale spanning the finite, positive values seen.
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : samples)
    for (const auto& l : s.layers)
      if (std::isfinite(l.grad_norm) && l.grad_norm > 0) {
        lo = std::min(lo, std::log10(l.grad_norm));
        hi = std::max(hi, std::log10(l.grad_norm));
      }
  if (!(lo <= hi)) lo = -1, hi = 0;
  if (hi - lo < 1e-9) hi = lo + 1;
  // NaN (not measured) and inf (non-finite) pass through to pick their colours.
  auto log_grad = [](const LayerSample& l) {
    return std::isfinite(l.grad_norm) ? std::log10(std::max(l.grad_norm, 1e-300)) : l.grad_norm;
  };
  auto grad_colour = [lo, hi](double v) { return viridis((v - lo) / (hi - lo)); };
  // Update ratios: log10 around the healthy -3, three decades either way to saturate.
  auto log_ratio = [](const LayerSample& l) {
    return std::isfinite(l.update_ratio) ? std::log10(std::max(l.update_ratio, 1e-300))
                                         : l.update_ratio;
  };
  auto ratio_colour = [](double v) { return diverging((v + 3) / 3); };

  const double top1 = kTitle + 30, top2 = top1 + g.height + kPanelGap;
  Svg svg(kLeft + g.width + kRight + 40, top2 + g.height + kAxis + 30);
  svg.text(kLeft, 24, title.empty() ? "Gradient health" : title, 16);
  svg.text(kLeft, 44, "layers top to bottom in forward order; magenta: NaN/inf, grey: not measured",
           11, "start", 0, "#666");
  heatmap(svg, samples, g, top1, "gradient norm per layer (log scale)", log_grad, grad_colour,
          "grad norm");
  colour_bar(svg, g, top1, grad_colour, lo, hi, fmt::format("1e{:.1f}", lo),
             fmt::format("1e{:.1f}", (lo + hi) / 2), fmt::format("1e{:.1f}", hi));
  heatmap(svg, samples, g, top2, "update / weight ratio per layer (healthy ~1e-3)", log_ratio,
          ratio_colour, "update/weight");
  colour_bar(svg, g, top2, ratio_colour, -6, 0, "1e-6 or less", "1e-3", "1 or more");
  return svg.str();
}

void write_monitor_svg(const std::vector<Sample>& samples, const std::string& path,
                       const std::string& title) {
  save_text(monitor_svg(samples, title), path);
}

}  // namespace xgrad::insight
