#pragma once
// The monitor's plots as one SVG: per-layer gradient norm over training as a heatmap (layers x
// sampled steps, log colour scale, viridis) and the update-to-weight ratios as a second heatmap
// on a diverging scale centred on the healthy 1e-3 (blue: too small, red: too large).
// Non-finite cells are magenta, cells without a value light grey.
//
//   xgrad::insight::write_monitor_svg(monitor.samples(), "gradients.svg", "20-layer sigmoid MLP");
#include <string>
#include <vector>

#include <xgrad/insight/sample.hpp>

namespace xgrad::insight {

/// The SVG document. ValueError when `samples` is empty.
std::string monitor_svg(const std::vector<Sample>& samples, const std::string& title = "");
/// Writes monitor_svg() to `path` (IOError naming it when it cannot be written).
void write_monitor_svg(const std::vector<Sample>& samples, const std::string& path,
                       const std::string& title = "");

}  // namespace xgrad::insight
