// Grid search: every combination of the parameters' values, once. The first trial takes every
// parameter's first value and fixes the grid: its parameters, sorted by name, each with its
// values (integers every step, stepped floats every step, every choice). Trial k then takes
// combination k, its index written in the mixed radix of the parameters' sizes, so the study
// needs no shared state and trials 0..N-1 cover the grid exactly once for any n_jobs.
#include <fmt/format.h>

#include "tune/sampler.hpp"

namespace xgrad::tune {
namespace {

class GridSampler : public Sampler {
 public:
  double sample_independent(const SampleContext& ctx, const std::string& name,
                            const Distribution& d) override {
    if (!d.discrete()) {
      throw ValueError(fmt::format(
          "grid sampler: parameter '{}' is a continuous float ({}) and has no grid; give "
          "suggest_float a step, or use the 'random' or 'gp' sampler",
          name, d.describe()));
    }
    const auto grid = first_trial_space(ctx.trials, ctx.trial.number);
    if (grid.empty() || !grid.count(name)) return d.grid_value(0);  // the first trial
    int64_t index = ctx.trial.number;
    for (const auto& [pname, pd] : grid) {
      const int64_t size = pd.size();
      if (pname == name) {
        if (pd != d) {
          throw ValueError(fmt::format(
              "grid sampler: parameter '{}' changed its range from {} to {}; a grid needs "
              "fixed ranges",
              name, pd.describe(), d.describe()));
        }
        return d.grid_value(index % size);
      }
      index /= size;
    }
    return d.grid_value(0);
  }

  std::optional<int64_t> max_trials(const std::vector<FrozenTrial>& trials) const override {
    const auto grid = first_trial_space(trials, -1);
    if (grid.empty()) return std::nullopt;
    int64_t total = 1;
    for (const auto& [name, d] : grid) total *= d.size();
    return total;
  }

  bool needs_first_trial_alone() const override { return true; }

 private:
  // The space of the lowest-numbered finished trial (other than `self`).
  static SearchSpace first_trial_space(const std::vector<FrozenTrial>& trials, int64_t self) {
    for (const auto& t : trials) {
      if (t.number == self || t.state == TrialState::Waiting || t.state == TrialState::Running)
        continue;
      SearchSpace s;
      for (const auto& [name, p] : t.params) s[name] = p.distribution;
      if (!s.empty()) return s;
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<Sampler> make_grid_sampler(const ValueMap& options) {
  check_options("sampler 'grid'", options, {});
  return std::make_unique<GridSampler>();
}

}  // namespace xgrad::tune
