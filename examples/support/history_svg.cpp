// History::to_svg: a hand-written SVG chart, nothing beyond xgrad. Two panels side by side:
// loss (train and test) and test accuracy per epoch, with ticks, grid, axis labels, a legend.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>
#include <xgrad/insight/svg.hpp>

#include "history.hpp"

namespace xgrad::examples {
namespace {

constexpr double kWidth = 960, kHeight = 420;
constexpr double kPanelWidth = 470;         // two panels side by side
constexpr double kTop = 70, kBottom = 350;  // plot area, in canvas coordinates

/// SVG text escaping is the library's (insight/svg.hpp).
std::string escape(const std::string& s) {
  return insight::xml_escape(s);
}

// An axis range rounded out to a "nice" step (1, 2 or 5 times a power of ten), never empty.
struct Axis {
  double lo, hi, step;
  bool integer = false;
  std::vector<double> ticks() const {
    std::vector<double> t;
    for (double v = lo; v <= hi + step * 1e-9; v += step)
      t.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
    return t;
  }
  std::string label(double v) const {
    if (integer) return fmt::format("{:.0f}", v);
    const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    return fmt::format("{:.{}f}", v, decimals);
  }
};

Axis nice_axis(double lo, double hi, bool integer, int target_ticks = 5) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi - lo <= 0) {  // one point or a constant series: open a window around it
    const double pad = lo != 0 ? std::fabs(lo) * 0.1 : 1.0;
    lo -= integer ? 1 : pad;
    hi += integer ? 1 : pad;
  }
  const double raw = (hi - lo) / target_ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag * (1 + 1e-9)) {
      step = m * mag;
      break;
    }
  }
  if (integer) step = std::max(1.0, std::round(step));
  return {std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, step, integer};
}

struct Series {
  std::string name;
  std::string color;
  std::vector<double> x, y;  // NaN y: a gap
};

// One panel at horizontal offset x0: frame, grid, ticks, labels, lines, markers, legend.
std::string panel(double x0, const std::string& title, const std::string& y_label,
                  const std::vector<Series>& series, double y_min_clamp, double y_max_clamp) {
  const double left = x0 + 70, right = x0 + kPanelWidth - 20;
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  for (const auto& s : series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isnan(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
    }
  }
  const bool empty = !std::isfinite(xlo);
  const Axis ax = nice_axis(empty ? 1 : xlo, empty ? 1 : xhi, true);
  // A 5% margin keeps the extreme points off the frame.
  const double margin = std::isfinite(ylo) ? 0.05 * (yhi - ylo) : 0.0;
  Axis ay = nice_axis(ylo - margin, yhi + margin, false);
  // Accuracy stays within [0, 100] when the rounding would leave it.
  if (!empty && ylo >= y_min_clamp && ay.lo < y_min_clamp) ay.lo = y_min_clamp;
  if (!empty && yhi <= y_max_clamp && ay.hi > y_max_clamp) ay.hi = y_max_clamp;
  const auto px = [&](double x) { return left + (x - ax.lo) / (ax.hi - ax.lo) * (right - left); };
  const auto py = [&](double y) {
    return kBottom - (y - ay.lo) / (ay.hi - ay.lo) * (kBottom - kTop);
  };

  std::string out = fmt::format(
      "<g class=\"panel\">\n<text x=\"{:.1f}\" y=\"{}\" class=\"panel-title\">{}</text>\n",
      (left + right) / 2, kTop - 14, escape(title));
  // Grid and tick labels.
  for (double t : ay.ticks()) {
    if (t < ay.lo - 1e-12 || t > ay.hi + 1e-12) continue;
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>\n", left,
        py(t), right, py(t));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"ytick\">{}</text>\n", left - 6,
                       py(t) + 4, ay.label(t));
  }
  for (double t : ax.ticks()) {
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\" class=\"tick\"/>\n",
                       px(t), kBottom, px(t), kBottom + 5);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"xtick\">{}</text>\n", px(t),
                       kBottom + 20, ax.label(t));
  }
  out +=
      fmt::format("<rect x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"frame\"/>\n",
                  left, kTop, right - left, kBottom - kTop);
  out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"axis-label\">epoch</text>\n",
                     (left + right) / 2, kBottom + 45);
  out += fmt::format(
      "<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" class=\"axis-label\">{}</text>\n",
      x0 + 22, (kTop + kBottom) / 2, escape(y_label));
  if (empty) {
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis-label\">no data</text>\n",
                       (left + right) / 2, (kTop + kBottom) / 2);
  }
  // Lines (split at gaps) and a marker per point, so that a single epoch still shows.
  for (const auto& s : series) {
    std::string points;
    const auto flush = [&] {
      if (!points.empty()) {
        out += fmt::format(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", points,
            s.color);
      }
      points.clear();
    };
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isnan(s.y[i])) {
        flush();
        continue;
      }
      points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", px(s.x[i]), py(s.y[i]));
    }
    flush();
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isnan(s.y[i])) continue;
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"><title>{} epoch {:.0f}: "
          "{:.4g}</title></circle>\n",
          px(s.x[i]), py(s.y[i]), s.color, escape(s.name), s.x[i], s.y[i]);
    }
  }
  // Legend, top right inside the plot.
  double ly = kTop + 16;
  for (const auto& s : series) {
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"2\"/>\n",
        right - 110, ly - 4, right - 90, ly - 4, s.color);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>\n", right - 84,
                       ly, escape(s.name));
    ly += 18;
  }
  return out + "</g>\n";
}

}  // namespace

std::string History::to_svg(const std::string& title) const {
  Series train{"train loss", "#1f77b4", {}, {}}, test{"test loss", "#d62728", {}, {}};
  Series acc{"test accuracy", "#2ca02c", {}, {}};
  for (const auto& r : records_) {
    const double e = r.epoch;
    train.x.push_back(e), train.y.push_back(r.train_loss);
    test.x.push_back(e), test.y.push_back(r.test_loss);
    acc.x.push_back(e), acc.y.push_back(r.test_accuracy * 100.0);
  }
  std::string acc_title = "Test accuracy";
  if (const EpochRecord* b = best("test_accuracy")) {
    acc_title += fmt::format(" (best {:.2f}% at epoch {})", b->test_accuracy * 100.0, b->epoch);
  }
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\">\n"
      "<style>\n"
      ".title {{ font-size: 18px; font-weight: bold; text-anchor: middle; }}\n"
      ".panel-title {{ font-size: 14px; text-anchor: middle; }}\n"
      ".axis-label {{ font-size: 13px; text-anchor: middle; fill: #333; }}\n"
      ".xtick {{ font-size: 11px; text-anchor: middle; fill: #555; }}\n"
      ".ytick {{ font-size: 11px; text-anchor: end; fill: #555; }}\n"
      ".legend {{ font-size: 12px; fill: #333; }}\n"
      ".grid {{ stroke: #e5e5e5; stroke-width: 1; }}\n"
      ".tick {{ stroke: #555; stroke-width: 1; }}\n"
      ".frame {{ fill: none; stroke: #555; stroke-width: 1; }}\n"
      "</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"28\" class=\"title\">{3}</text>\n",
      kWidth, kHeight, kWidth / 2, escape(title));
  out += panel(0, "Loss", "loss", {train, test}, -INFINITY, INFINITY);
  out += panel(kPanelWidth + 10, acc_title, "accuracy (%)", {acc}, 0.0, 100.0);
  return out + "</svg>\n";
}

}  // namespace xgrad::examples
