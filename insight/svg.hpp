#pragma once
// A small SVG writer and the colour maps the insight plots and the examples' attribution images
// use: rectangles, lines and text on a canvas, saved with one call. No dependencies.
//
//   xgrad::insight::Svg svg(400, 300);
//   svg.rect(10, 10, 20, 20, xgrad::insight::viridis(0.5), "tooltip");
//   svg.text(10, 50, "label");
//   svg.save("plot.svg");
#include <cstdint>
#include <string>

namespace xgrad::insight {

/// A colour; hex() gives "#rrggbb".
struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  std::string hex() const;
};

/// Viridis (perceptually uniform, dark blue -> yellow) at t in [0, 1] (clamped).
Rgb viridis(double t);
/// Blue -> white -> red at t in [-1, 1] (clamped): negative values blue, zero white.
Rgb diverging(double t);
/// Black (0) -> white (1), clamped.
Rgb gray(double t);

/// Writes `text` to `path` atomically (xgrad::write_file_atomic); IOError naming the path and
/// the reason when it cannot.
void save_text(const std::string& text, const std::string& path);

/// "&<>\"" escaped for SVG text and attributes.
std::string xml_escape(const std::string& text);

class Svg {
 public:
  /// ValueError unless width and height are positive.
  Svg(double width, double height);
  /// A filled rectangle; `title` becomes a tooltip when not empty.
  void rect(double x, double y, double w, double h, const Rgb& fill, const std::string& title = "");
  /// An unfilled rectangle (a frame).
  void frame(double x, double y, double w, double h, const std::string& stroke = "#444");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke = "#444",
            double width = 1, bool dashed = false);
  /// Text at (x, y) (baseline); anchor "start", "middle" or "end"; rotate in degrees.
  void text(double x, double y, const std::string& content, double size = 12,
            const std::string& anchor = "start", double rotate = 0,
            const std::string& fill = "#222");
  /// The document.
  std::string str() const;
  /// Writes the document to `path` (IOError naming the path when it cannot).
  void save(const std::string& path) const;

 private:
  double width_, height_;
  std::string body_;
};

}  // namespace xgrad::insight
