// Grid search: every combination of the parameters' values, once. The first trial takes every
// parameter's first value and fixes the grid: its parameters, sorted by name, each with its
// values (integers every step, stepped floats every step, every choice). Trial k then takes
// combination k − s, its index written in the mixed radix of the parameters' sizes, where s
// counts the earlier trials that ended without taking a combination (failed or pruned before
// any suggest), so the study needs no shared state and the trials cover the grid exactly once
// for any n_jobs.
//
// A trial that fails after its suggests has used its combination: the grid's cap on trials
// that did not fail (max_trials) shrinks by one for each, so no later trial wraps around to
// combination 0 again; one that ended without suggesting anything gives its place back.
#include <fmt/format.h>

#include <algorithm>

#include <xgrad/tune/sampler.hpp>

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
    int64_t index = ctx.trial.number - took_no_combination(ctx.trials, ctx.trial.number);
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
    // The study's cap counts trials that did not fail: a failed trial that took a combination
    // takes a place all the same, a finished one that took none (not failed) gives one back.
    for (const auto& t : trials) {
      if (t.state == TrialState::Fail && !t.params.empty()) --total;
      if (finished(t) && t.state != TrialState::Fail && t.params.empty()) ++total;
    }
    return std::max<int64_t>(total, 0);
  }

  bool needs_first_trial_alone() const override { return true; }

 private:
  static bool finished(const FrozenTrial& t) {
    return t.state == TrialState::Complete || t.state == TrialState::Pruned ||
           t.state == TrialState::Fail;
  }
  // Trials numbered below `number` that ended without suggesting a parameter.
  static int64_t took_no_combination(const std::vector<FrozenTrial>& trials, int64_t number) {
    int64_t n = 0;
    for (const auto& t : trials) n += t.number < number && finished(t) && t.params.empty();
    return n;
  }
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
