#include "history.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <xgrad/core/error.hpp>
#include <xgrad/core/file_io.hpp>

namespace xgrad::examples {

const std::vector<std::string>& EpochRecord::names() {
  static const std::vector<std::string> n = {
      "epoch", "train_loss", "test_loss", "test_accuracy", "lr", "seconds", "samples_per_sec"};
  return n;
}

double EpochRecord::get(const std::string& name) const {
  if (name == "epoch") return epoch;
  if (name == "train_loss") return train_loss;
  if (name == "test_loss") return test_loss;
  if (name == "test_accuracy") return test_accuracy;
  if (name == "lr") return lr;
  if (name == "seconds") return seconds;
  if (name == "samples_per_sec") return samples_per_sec;
  throw ValueError(fmt::format("EpochRecord::get: unknown field '{}'; known: {}", name,
                               fmt::join(names(), ", ")));
}

const EpochRecord& History::back() const {
  if (records_.empty()) throw ValueError("History::back: the history is empty");
  return records_.back();
}

const EpochRecord* History::best(const std::string& monitor) const {
  const bool maximize = monitor.find("accuracy") != std::string::npos;
  const EpochRecord* best = nullptr;
  for (const auto& r : records_) {
    const double v = r.get(monitor);
    if (std::isnan(v)) continue;
    if (!best || (maximize ? v > best->get(monitor) : v < best->get(monitor))) best = &r;
  }
  return best;
}

std::string History::to_csv() const {
  std::string out = fmt::format("{}\n", fmt::join(EpochRecord::names(), ","));
  for (const auto& r : records_) {
    out += std::to_string(r.epoch);
    for (size_t i = 1; i < EpochRecord::names().size(); ++i) {
      const double v = r.get(EpochRecord::names()[i]);
      out += std::isnan(v) ? std::string(",") : fmt::format(",{}", v);  // shortest round-trip
    }
    out += '\n';
  }
  return out;
}

namespace {

/// Written atomically, as checkpoints are: a reader never sees half a CSV or SVG.
void write_text(const std::string& path, const std::string& text, const char* fn) {
  write_file_atomic(
      path, [&](int fd) { return write_all(fd, text.data(), text.size()); }, fn);
}

}  // namespace

void History::write_csv(const std::string& path) const {
  write_text(path, to_csv(), "History::write_csv");
}

void History::write_svg(const std::string& path, const std::string& title) const {
  write_text(path, to_svg(title), "History::write_svg");
}

}  // namespace xgrad::examples
