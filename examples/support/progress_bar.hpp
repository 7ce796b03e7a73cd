#pragma once
// A progress bar for training loops, on stderr by default: batches done/total, rate, ETA and
// the running loss. In a terminal it redraws one line with '\r'; otherwise (a log file, CI) it
// prints a plain line every 10% so logs stay readable. No threads: it draws when updated.
//
//   ProgressBar bar(loader.size(), ProgressBarOptions().label("epoch 1/10"));
//   for (auto& [x, y] : loader) { ...; bar.update(x.size(0), loss.item()); }
//   bar.finish();
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <string>

namespace xgrad::examples {

/// How a ProgressBar draws; setters chain.
struct ProgressBarOptions {
  /// Text at the start of the line.  Example: label("epoch 3/10")
  ProgressBarOptions& label(std::string s) {
    label_ = std::move(s);
    return *this;
  }
  /// Where to draw (default std::cerr).
  ProgressBarOptions& stream(std::ostream* os) {
    stream_ = os;
    return *this;
  }
  /// Force terminal mode on or off (default: isatty of stderr/stdout when drawing there).
  ProgressBarOptions& tty(bool on) {
    tty_ = on ? 1 : 0;
    return *this;
  }
  /// Percent step between plain lines when not a terminal (default 10).
  ProgressBarOptions& every_percent(int p) {
    every_percent_ = p;
    return *this;
  }
  /// Name of what update() counts (default "samples": "12.3k samples/s").
  ProgressBarOptions& unit(std::string u) {
    unit_ = std::move(u);
    return *this;
  }
  /// Seconds since some origin; replaces the steady clock (tests).
  ProgressBarOptions& clock(std::function<double()> c) {
    clock_ = std::move(c);
    return *this;
  }

  std::string label_;
  std::ostream* stream_ = nullptr;
  int tty_ = -1;
  int every_percent_ = 10;
  std::string unit_ = "samples";
  std::function<double()> clock_;
};

class ProgressBar {
 public:
  /// A bar over `total` steps (batches).  Example: ProgressBar bar(loader.size());
  explicit ProgressBar(int64_t total, ProgressBarOptions options = ProgressBarOptions());
  /// Ends the line if finish() was not called.
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// One step done, covering `samples` examples with mean loss `loss` (NaN: no loss).
  ///   Example: bar.update(x.size(0), loss.item());
  void update(int64_t samples = 1, double loss = std::numeric_limits<double>::quiet_NaN());
  /// Draws the final state and ends the line.  Example: bar.finish();
  void finish();

  int64_t done() const { return done_; }
  int64_t total() const { return total_; }
  /// Sample-weighted mean of the losses passed to update() (NaN when none).
  double running_loss() const;
  /// Seconds since construction.
  double elapsed() const;
  /// `unit` per second so far.
  double rate() const;

 private:
  std::string line(bool with_bar) const;
  double now() const;

  ProgressBarOptions options_;
  std::ostream* os_;
  bool tty_;
  int64_t total_;
  int64_t done_ = 0;
  int64_t samples_ = 0;
  double loss_sum_ = 0;
  int64_t loss_samples_ = 0;
  double start_;
  double last_draw_ = -1;
  int next_percent_;
  bool finished_ = false;
};

/// "0:42", "3:05", "1:02:03"; "?" for NaN or negative.  Example: format_duration(185) == "3:05"
std::string format_duration(double seconds);
/// "950", "12.3k", "4.56M".  Example: format_count(12345) == "12.3k"
std::string format_count(double value);

}  // namespace xgrad::examples
