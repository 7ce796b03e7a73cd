#include "progress_bar.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace xgrad::examples {
namespace {

double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

bool stream_is_tty(const std::ostream* os) {
  if (os == &std::cerr || os == &std::clog) return isatty(fileno(stderr));
  if (os == &std::cout) return isatty(fileno(stdout));
  return false;
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

std::string format_count(double value) {
  if (!std::isfinite(value)) return "?";
  const double a = std::fabs(value);
  if (a >= 1e9) return fmt::format("{:.3g}G", value / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g}M", value / 1e6);
  if (a >= 1e4) return fmt::format("{:.3g}k", value / 1e3);
  if (a >= 100) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}", value);
}

ProgressBar::ProgressBar(int64_t total, ProgressBarOptions options)
    : options_(std::move(options)),
      os_(options_.stream_ ? options_.stream_ : &std::cerr),
      tty_(options_.tty_ >= 0 ? options_.tty_ == 1 : stream_is_tty(os_)),
      total_(total < 0 ? 0 : total),
      start_(now()),
      next_percent_(options_.every_percent_ > 0 ? options_.every_percent_ : 10) {}

ProgressBar::~ProgressBar() {
  if (!finished_) {
    try {
      finish();
    } catch (...) {  // a destructor must not throw; a failed stream write is harmless here
    }
  }
}

double ProgressBar::now() const {
  return options_.clock_ ? options_.clock_() : steady_seconds();
}

double ProgressBar::elapsed() const {
  return now() - start_;
}

double ProgressBar::rate() const {
  const double t = elapsed();
  return t > 0 ? double(samples_) / t : std::numeric_limits<double>::quiet_NaN();
}

double ProgressBar::running_loss() const {
  return loss_samples_ > 0 ? loss_sum_ / double(loss_samples_)
                           : std::numeric_limits<double>::quiet_NaN();
}

std::string ProgressBar::line(bool with_bar) const {
  const double frac = total_ > 0 ? double(done_) / double(total_) : 1.0;
  std::string s = options_.label_.empty() ? "" : options_.label_ + " ";
  if (with_bar) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(frac * kWidth);
    s += "[" + std::string(size_t(filled), '=') + (filled < kWidth ? ">" : "") +
         std::string(size_t(std::max(0, kWidth - filled - 1)), ' ') + "] ";
  }
  const int width = static_cast<int>(std::to_string(total_).size());
  s += fmt::format("{:>{}}/{} {:3.0f}%", done_, width, total_, 100.0 * frac);
  s += fmt::format(" | {} {}/s", format_count(rate()), options_.unit_);
  if (done_ < total_) {
    const double eta = done_ > 0 ? elapsed() / double(done_) * double(total_ - done_) : NAN;
    s += " | ETA " + format_duration(eta);
  } else {
    s += " | " + format_duration(elapsed());
  }
  const double loss = running_loss();
  if (!std::isnan(loss)) s += fmt::format(" | loss {:.4f}", loss);
  return s;
}

void ProgressBar::update(int64_t samples, double loss) {
  ++done_;
  samples_ += samples;
  if (std::isfinite(loss) && samples > 0) {
    loss_sum_ += loss * double(samples);
    loss_samples_ += samples;
  }
  if (tty_) {
    // At most ~10 redraws a second: each is a write to an unbuffered stream.
    const double t = now();
    if (done_ < total_ && last_draw_ >= 0 && t - last_draw_ < 0.1) return;
    last_draw_ = t;
    *os_ << '\r' << line(true) << "\x1b[K" << std::flush;
  } else if (total_ > 0 && done_ * 100 >= int64_t(next_percent_) * total_) {
    while (done_ * 100 >= int64_t(next_percent_) * total_)
      next_percent_ += options_.every_percent_ > 0 ? options_.every_percent_ : 10;
    *os_ << line(false) << '\n' << std::flush;
  }
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_) {
    *os_ << '\r' << line(true) << "\x1b[K\n" << std::flush;
  } else if (done_ < total_ || total_ == 0) {
    *os_ << line(false) << '\n' << std::flush;  // stopped early: say where
  }
}

}  // namespace xgrad::examples
