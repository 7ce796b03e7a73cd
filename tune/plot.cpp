// The study's SVG plots, with a small writer of its own (scatter panels with axes): insight/
// has an SVG writer too, but it is a sibling module and tune does not depend on it.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>

#include <xgrad/core/file_io.hpp>
#include <xgrad/tune/pruner.hpp>
#include <xgrad/tune/report.hpp>

namespace xgrad::tune {
namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

struct Point {
  double x, y;
  const char* colour;
};

// One scatter panel: points and an optional step line, axes with min/max labels.
class Canvas {
 public:
  Canvas(double w, double h) : w_(w), h_(h) {}
  void panel(double x0, double y0, double pw, double ph, const std::string& title,
             const std::string& xlabel, const std::vector<Point>& pts,
             const std::vector<std::pair<double, double>>& line, bool log_x) {
    body_ += fmt::format("<rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#888'/>\n",
                         x0, y0, pw, ph);
    body_ += fmt::format("<text x='{}' y='{}' font-size='12' text-anchor='middle'>{}</text>\n",
                         x0 + pw / 2, y0 - 6, esc(title));
    body_ += fmt::format("<text x='{}' y='{}' font-size='10' text-anchor='middle'>{}</text>\n",
                         x0 + pw / 2, y0 + ph + 26, esc(xlabel));
    if (pts.empty()) return;
    auto tx = [&](double v) { return log_x && v > 0 ? std::log10(v) : v; };
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& p : pts) {
      xmin = std::min(xmin, tx(p.x));
      xmax = std::max(xmax, tx(p.x));
      ymin = std::min(ymin, p.y);
      ymax = std::max(ymax, p.y);
    }
    if (xmax == xmin) {
      xmin -= 0.5;
      xmax += 0.5;
    }
    if (ymax == ymin) {
      ymin -= 0.5;
      ymax += 0.5;
    }
    auto sx = [&](double v) { return x0 + 6 + (tx(v) - xmin) / (xmax - xmin) * (pw - 12); };
    auto sy = [&](double v) { return y0 + ph - 6 - (v - ymin) / (ymax - ymin) * (ph - 12); };
    for (const auto& p : pts)
      body_ += fmt::format("<circle cx='{:.1f}' cy='{:.1f}' r='3' fill='{}' fill-opacity='0.7'/>\n",
                           sx(p.x), sy(p.y), p.colour);
    if (!line.empty()) {
      std::string d;
      for (size_t i = 0; i < line.size(); ++i)
        d += fmt::format("{}{:.1f},{:.1f} ", i ? "L" : "M", sx(line[i].first), sy(line[i].second));
      body_ += fmt::format("<path d='{}' fill='none' stroke='#d62728' stroke-width='2'/>\n", d);
    }
    auto label = [&](double v) { return fmt::format("{:.4g}", v); };
    body_ += fmt::format("<text x='{}' y='{}' font-size='9'>{}</text>\n", x0, y0 + ph + 12,
                         label(log_x ? std::pow(10.0, xmin) : xmin));
    body_ += fmt::format("<text x='{}' y='{}' font-size='9' text-anchor='end'>{}</text>\n", x0 + pw,
                         y0 + ph + 12, label(log_x ? std::pow(10.0, xmax) : xmax));
    body_ += fmt::format("<text x='{}' y='{}' font-size='9' text-anchor='end'>{}</text>\n", x0 - 3,
                         y0 + 8, label(ymax));
    body_ += fmt::format("<text x='{}' y='{}' font-size='9' text-anchor='end'>{}</text>\n", x0 - 3,
                         y0 + ph, label(ymin));
  }
  void bar(double x0, double y0, double w, double h, const std::string& label, double value) {
    body_ += fmt::format("<rect x='{}' y='{}' width='{:.1f}' height='{}' fill='#1f77b4'/>\n", x0,
                         y0, w, h);
    body_ += fmt::format("<text x='{}' y='{}' font-size='11' text-anchor='end'>{}</text>\n", x0 - 6,
                         y0 + h * 0.75, esc(label));
    body_ += fmt::format("<text x='{:.1f}' y='{}' font-size='11'>{:.3f}</text>\n", x0 + w + 4,
                         y0 + h * 0.75, value);
  }
  void text(double x, double y, const std::string& s) {
    body_ += fmt::format("<text x='{}' y='{}' font-size='13'>{}</text>\n", x, y, esc(s));
  }
  void save(const std::string& path) const {
    const std::string svg = fmt::format(
        "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='{}' font-family='sans-serif'>\n"
        "<rect width='100%' height='100%' fill='white'/>\n{}</svg>\n",
        w_, h_, body_);
    write_file_atomic(
        path, [&](int fd) { return write_all(fd, svg.data(), svg.size()); }, "write_plots");
  }

 private:
  double w_, h_;
  std::string body_;
};

const char* state_colour(TrialState s) {
  return s == TrialState::Complete ? "#1f77b4" : s == TrialState::Pruned ? "#aaaaaa" : "#ff7f0e";
}

}  // namespace

void write_plots(const Study& study, const std::string& dir) {
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    throw IOError(
        fmt::format("write_plots: cannot create directory '{}': {}", dir, std::strerror(errno)));
  }
  const auto trials = study.trials();
  const auto direction = study.direction();
  // History: every finished trial's value (pruned ones at their last report), best so far.
  {
    std::vector<Point> pts;
    std::vector<std::pair<double, double>> best_line;
    double best = std::nan("");
    for (const auto& t : trials) {
      if (std::isnan(t.value)) continue;
      pts.push_back({double(t.number), t.value, state_colour(t.state)});
      if (t.state == TrialState::Complete && (std::isnan(best) || better(t.value, best, direction)))
        best = t.value;
      if (!std::isnan(best)) best_line.push_back({double(t.number), best});
    }
    Canvas c(640, 400);
    c.panel(70, 40, 540, 300,
            fmt::format("optimisation history ({}; red: best so far)", to_string(direction)),
            "trial", pts, best_line, false);
    c.save(dir + "/history.svg");
  }
  // Slices: value against each parameter (Complete trials).
  {
    std::set<std::string> names;
    for (const auto& t : trials)
      for (const auto& [n, p] : t.params) names.insert(n);
    const int cols = 3;
    const int rows = std::max(1, int((names.size() + cols - 1) / cols));
    Canvas c(cols * 260 + 40, rows * 240 + 20);
    int i = 0;
    for (const auto& name : names) {
      std::vector<Point> pts;
      bool log_x = false;
      std::string label = name;
      for (const auto& t : trials) {
        auto it = t.params.find(name);
        if (it == t.params.end() || t.state != TrialState::Complete) continue;
        const auto& d = it->second.distribution;
        log_x = d.log;
        if (d.kind == Distribution::Kind::Categorical)
          label = name + " (" + d.describe() + " by index)";
        pts.push_back({it->second.internal, t.value, state_colour(t.state)});
      }
      c.panel(60 + (i % cols) * 260, 30 + (i / cols) * 240, 200, 170, name,
              label + (log_x ? " (log)" : ""), pts, {}, log_x);
      ++i;
    }
    c.save(dir + "/slices.svg");
  }
  // Importance.
  {
    const auto imp = param_importance(study);
    std::vector<std::pair<std::string, double>> sorted(imp.begin(), imp.end());
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    Canvas c(640, 60 + 28 * std::max<size_t>(1, sorted.size()));
    c.text(20, 24, "parameter importance: first-order Sobol indices of the GP mean (normalised)");
    for (size_t k = 0; k < sorted.size(); ++k)
      c.bar(180, 40 + 28 * double(k), 380 * sorted[k].second, 20, sorted[k].first,
            sorted[k].second);
    if (sorted.empty()) c.text(20, 50, "(needs at least 3 completed trials)");
    c.save(dir + "/importance.svg");
  }
}

}  // namespace xgrad::tune
