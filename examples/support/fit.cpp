#include "fit.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <xgrad/core/error.hpp>
#include <xgrad/insight/gradient_monitor.hpp>

#include "progress_bar.hpp"

namespace xgrad::examples {

std::string format_epoch(const EpochRecord& r, int epochs) {
  const int width = static_cast<int>(std::to_string(epochs).size());
  std::string s = fmt::format("epoch {:>{}}/{}", r.epoch, width, epochs);
  if (!std::isnan(r.train_loss)) s += fmt::format(" | train loss {:.4f}", r.train_loss);
  if (!std::isnan(r.test_loss)) s += fmt::format(" | test loss {:.4f}", r.test_loss);
  if (!std::isnan(r.test_accuracy)) s += fmt::format(" | test acc {:.2f}%", 100 * r.test_accuracy);
  if (!std::isnan(r.lr)) s += fmt::format(" | lr {:.2e}", r.lr);
  if (!std::isnan(r.seconds)) s += fmt::format(" | {:.1f}s", r.seconds);
  if (!std::isnan(r.samples_per_sec)) s += " | " + format_count(r.samples_per_sec) + " samples/s";
  return s;
}

std::string format_monitor(const insight::GradientMonitor& monitor) {
  if (monitor.samples().empty()) return "gradients: no sample yet\n";
  const auto found = monitor.diagnose();
  if (found.empty())
    return fmt::format("gradients: healthy ({} samples, the last at step {})\n",
                       monitor.samples().size(), monitor.samples().back().step);
  std::string out;
  for (const auto& d : found) out += "gradients: " + d.to_string() + "\n";
  return out;
}

History fit(const FitOptions& options, const std::function<TrainResult(int)>& train,
            const std::function<EvalResult(int)>& eval, const std::vector<Callback*>& callbacks) {
  if (options.epochs_ < 1) {
    throw ValueError(fmt::format("fit: epochs must be >= 1, got {}", options.epochs_));
  }
  if (!train) throw ValueError("fit: the train function is empty");
  std::ostream* log = options.log_set_ ? options.log_ : &std::cout;
  History history;
  for (int epoch = 1; epoch <= options.epochs_; ++epoch) {
    EpochRecord r;
    r.epoch = epoch;
    const auto t0 = std::chrono::steady_clock::now();
    const TrainResult tr = train(epoch);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.train_loss = tr.loss;
    r.lr = tr.lr;
    if (tr.samples > 0 && r.seconds > 0) r.samples_per_sec = double(tr.samples) / r.seconds;
    if (eval) {
      const EvalResult ev = eval(epoch);
      r.test_loss = ev.loss;
      r.test_accuracy = ev.accuracy;
    }
    history.add(r);
    if (log) *log << format_epoch(r, options.epochs_) << std::endl;
    if (options.monitor_) {
      if (log) *log << format_monitor(*options.monitor_) << std::flush;
      if (!options.monitor_svg_.empty() && !options.monitor_->samples().empty())
        options.monitor_->write_svg(options.monitor_svg_, fmt::format("after epoch {}", epoch));
    }
    bool stop = false;
    for (Callback* cb : callbacks) {
      if (cb && cb->on_epoch_end(r, history)) stop = true;  // every callback sees every epoch
    }
    if (stop) {
      if (log) *log << fmt::format("stopping early after epoch {}", epoch) << std::endl;
      break;
    }
  }
  return history;
}

}  // namespace xgrad::examples
