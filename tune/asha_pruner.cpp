// Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel
// Hyperparameter Tuning"; Optuna's SuccessiveHalvingPruner). Rung k sits at step
// r_k = min_resource * reduction_factor^(k + min_early_stopping_rate). When a trial first
// reports at or past r_k, its value there is compared with the rung-k values of every trial
// that has reached rung k (any state, itself included): it goes on only when it is among the
// best 1/reduction_factor of them (the best, while fewer than reduction_factor have arrived).
// Promotion is decided once per rung, when the trial crosses it, and never revisited.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/tune/pruner.hpp>
#include <xgrad/tune/sampler.hpp>

namespace xgrad::tune {
namespace {

class AshaPruner : public Pruner {
 public:
  AshaPruner(int64_t min_resource, int64_t eta, int64_t rate)
      : min_resource_(min_resource), eta_(eta), rate_(rate) {}

  bool prune(const std::vector<FrozenTrial>& trials, const FrozenTrial& trial,
             Direction direction) const override {
    if (trial.intermediate.empty()) return false;
    const int64_t step = trial.intermediate.rbegin()->first;
    // The rung this report crosses: the largest r_k <= step not crossed by an earlier report.
    const int64_t previous =
        trial.intermediate.size() > 1 ? std::prev(trial.intermediate.end(), 2)->first : -1;
    int64_t rung_step = -1;
    for (int64_t k = 0;; ++k) {
      const double r = double(min_resource_) * std::pow(double(eta_), double(k + rate_));
      if (r > double(step) || r > 1e15) break;
      if (r > double(previous)) rung_step = int64_t(r);
    }
    if (rung_step < 0) return false;
    const double mine = trial.intermediate.rbegin()->second;
    if (std::isnan(mine)) return true;
    std::vector<double> values{mine};
    for (const auto& t : trials) {
      if (t.number == trial.number) continue;
      auto it = t.intermediate.lower_bound(rung_step);  // its value at the rung
      if (it != t.intermediate.end() && !std::isnan(it->second)) values.push_back(it->second);
    }
    std::sort(values.begin(), values.end(),
              [&](double a, double b) { return better(a, b, direction); });
    int64_t promotable = int64_t(values.size()) / eta_ - 1;
    if (promotable < 0) promotable = 0;
    return better(values[size_t(promotable)], mine, direction);
  }

 private:
  int64_t min_resource_, eta_, rate_;
};

}  // namespace

std::unique_ptr<Pruner> make_asha_pruner(const ValueMap& o) {
  check_options("pruner 'asha'", o,
                {"min_resource", "reduction_factor", "min_early_stopping_rate"});
  const char* what = "pruner 'asha'";
  return std::make_unique<AshaPruner>(int_option(o, "min_resource", 1, 1, what),
                                      int_option(o, "reduction_factor", 3, 2, what),
                                      int_option(o, "min_early_stopping_rate", 0, 0, what));
}

}  // namespace xgrad::tune
