// The median rule (Golovin et al. 2017, Google Vizier; Optuna's MedianPruner): at step s, stop
// a trial whose best value so far is worse than the median of the values the completed trials
// reported at step s. Options: n_startup_trials (5: no pruning before that many trials
// completed), n_warmup_steps (0: no pruning before that step), n_min_trials (1: values at
// step s needed to take a median).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/tune/pruner.hpp>
#include <xgrad/tune/sampler.hpp>

namespace xgrad::tune {
namespace {

class MedianPruner : public Pruner {
 public:
  MedianPruner(int64_t startup, int64_t warmup, int64_t min_trials)
      : startup_(startup), warmup_(warmup), min_trials_(min_trials) {}

  bool prune(const std::vector<FrozenTrial>& trials, const FrozenTrial& trial,
             Direction direction) const override {
    if (trial.intermediate.empty()) return false;
    const int64_t step = trial.intermediate.rbegin()->first;
    if (step < warmup_) return false;
    std::vector<double> at_step;
    int64_t completed = 0;
    for (const auto& t : trials) {
      if (t.state != TrialState::Complete || t.number == trial.number) continue;
      ++completed;
      auto it = t.intermediate.find(step);
      if (it != t.intermediate.end() && !std::isnan(it->second)) at_step.push_back(it->second);
    }
    if (completed < startup_ || int64_t(at_step.size()) < min_trials_) return false;
    double best = std::nan("");
    for (const auto& [s, v] : trial.intermediate)
      if (!std::isnan(v) && (std::isnan(best) || better(v, best, direction))) best = v;
    if (std::isnan(best)) return true;  // reported only NaN
    std::sort(at_step.begin(), at_step.end());
    const size_t n = at_step.size();
    const double median = n % 2 ? at_step[n / 2] : 0.5 * (at_step[n / 2 - 1] + at_step[n / 2]);
    return better(median, best, direction);
  }

 private:
  int64_t startup_, warmup_, min_trials_;
};

}  // namespace

std::unique_ptr<Pruner> make_median_pruner(const ValueMap& o) {
  check_options("pruner 'median'", o, {"n_startup_trials", "n_warmup_steps", "n_min_trials"});
  const char* what = "pruner 'median'";
  return std::make_unique<MedianPruner>(int_option(o, "n_startup_trials", 5, 0, what),
                                        int_option(o, "n_warmup_steps", 0, 0, what),
                                        int_option(o, "n_min_trials", 1, 0, what));
}

}  // namespace xgrad::tune
