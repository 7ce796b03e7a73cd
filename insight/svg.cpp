#include <xgrad/insight/svg.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include <xgrad/core/error.hpp>
#include <xgrad/core/file_io.hpp>

namespace xgrad::insight {

std::string Rgb::hex() const {
  return fmt::format("#{:02x}{:02x}{:02x}", r, g, b);
}

namespace {
double clamp01(double t) {
  return std::isnan(t) ? 0.0 : std::clamp(t, 0.0, 1.0);
}
uint8_t byte(double v) {
  return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
}

/// Piecewise-linear interpolation between evenly spaced colour stops.
template <size_t N>
Rgb interpolate(const std::array<std::array<double, 3>, N>& stops, double t) {
  const double pos = clamp01(t) * (N - 1);
  const size_t i = std::min(static_cast<size_t>(pos), N - 2);
  const double f = pos - static_cast<double>(i);
  auto mix = [&](int c) { return byte(stops[i][c] + f * (stops[i + 1][c] - stops[i][c])); };
  return Rgb{mix(0), mix(1), mix(2)};
}
}  // namespace

Rgb viridis(double t) {
  // Nine stops sampled from matplotlib's viridis.
  static const std::array<std::array<double, 3>, 9> stops = {{{68, 1, 84},
                                                              {71, 44, 122},
                                                              {59, 81, 139},
                                                              {44, 113, 142},
                                                              {33, 144, 141},
                                                              {39, 173, 129},
                                                              {92, 200, 99},
                                                              {170, 220, 50},
                                                              {253, 231, 37}}};
  return interpolate(stops, t);
}

Rgb diverging(double t) {
  // ColorBrewer RdBu, reversed so that negative is blue.
  static const std::array<std::array<double, 3>, 5> stops = {
      {{33, 102, 172}, {146, 197, 222}, {247, 247, 247}, {244, 165, 130}, {178, 24, 43}}};
  return interpolate(stops, (std::isnan(t) ? 0.0 : t + 1.0) / 2.0);
}

Rgb gray(double t) {
  const uint8_t v = byte(255.0 * clamp01(t));
  return Rgb{v, v, v};
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Svg::Svg(double width, double height) : width_(width), height_(height) {
  if (!(width > 0) || !(height > 0))
    throw ValueError(
        fmt::format("Svg: width and height must be positive, got {} x {}", width, height));
}

void Svg::rect(double x, double y, double w, double h, const Rgb& fill, const std::string& title) {
  body_ += fmt::format(R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="{}")", x,
                       y, w, h, fill.hex());
  body_ += title.empty() ? "/>\n" : fmt::format("><title>{}</title></rect>\n", xml_escape(title));
}

void Svg::frame(double x, double y, double w, double h, const std::string& stroke) {
  body_ += fmt::format(
      R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="none" stroke="{}"/>)"
      "\n",
      x, y, w, h, xml_escape(stroke));
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
               bool dashed) {
  body_ += fmt::format(
      R"(<line x1="{:.2f}" y1="{:.2f}" x2="{:.2f}" y2="{:.2f}" stroke="{}" stroke-width="{}"{}/>)"
      "\n",
      x1, y1, x2, y2, xml_escape(stroke), width, dashed ? R"( stroke-dasharray="4 3")" : "");
}

void Svg::text(double x, double y, const std::string& content, double size,
               const std::string& anchor, double rotate, const std::string& fill) {
  std::string transform =
      rotate != 0 ? fmt::format(R"x( transform="rotate({} {:.2f} {:.2f})")x", rotate, x, y) : "";
  body_ += fmt::format(
      R"(<text x="{:.2f}" y="{:.2f}" font-size="{}" text-anchor="{}" fill="{}"{}>{}</text>)"
      "\n",
      x, y, size, xml_escape(anchor), xml_escape(fill), transform, xml_escape(content));
}

std::string Svg::str() const {
  return fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="sans-serif">)"
      "\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{2}</svg>\n",
      width_, height_, body_);
}

void save_text(const std::string& text, const std::string& path) {
  write_file_atomic(
      path, [&](int fd) { return write_all(fd, text.data(), text.size()); }, "save_text");
}

void Svg::save(const std::string& path) const {
  save_text(str(), path);
}

}  // namespace xgrad::insight
