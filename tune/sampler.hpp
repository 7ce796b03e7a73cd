#pragma once
// Samplers choose a trial's parameters. Two ways, as in Optuna:
//   sample_relative    at the trial's start, jointly for the search space every finished trial
//                      shares (the GP models them together);
//   sample_independent for each parameter the joint proposal does not cover (the first
//                      trials, conditional parameters, samplers without a model).
// Every random draw comes from a generator seeded by (study seed, trial number[, parameter
// name]), never from shared state, so trial k gets the same draws whichever thread runs it.
// Register a sampler in one line:
//   XGRAD_REGISTER(xgrad::tune::sampler_registry(), "mine",
//                  [](const xgrad::ValueMap& opts) { return std::make_unique<Mine>(opts); });
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/tune/frozen_trial.hpp>

namespace xgrad::tune {

/// Parameter name -> range; the search space of a set of trials.
using SearchSpace = std::map<std::string, Distribution>;

/// What a sampler sees when asked for a proposal.
struct SampleContext {
  /// Every trial of the study at the time of asking (all states), by number.
  const std::vector<FrozenTrial>& trials;
  /// The trial being sampled (its number and seed; params suggested so far).
  const FrozenTrial& trial;
  Direction direction;
  /// The study's seed.
  uint64_t seed;
};

class Sampler {
 public:
  virtual ~Sampler() = default;
  /// A joint proposal (parameter -> internal value) over `space`; empty when the sampler has
  /// none (too few trials, or no model). Called at most once per trial.
  virtual std::map<std::string, double> sample_relative(const SampleContext& ctx,
                                                        const SearchSpace& space) {
    return {};
  }
  /// One parameter's internal value.
  virtual double sample_independent(const SampleContext& ctx, const std::string& name,
                                    const Distribution& d) = 0;
  /// The most trials worth running once `trials` exist (grid: its size), or nothing.
  virtual std::optional<int64_t> max_trials(const std::vector<FrozenTrial>& trials) const {
    return std::nullopt;
  }
  /// Whether the first trial must finish before others start (grid: it defines the space).
  virtual bool needs_first_trial_alone() const { return false; }
};

using SamplerFactory = std::function<std::unique_ptr<Sampler>(const ValueMap& options)>;
Registry<SamplerFactory>& sampler_registry();
/// Example: auto s = make_sampler("gp", {{"n_startup_trials", 10}});
std::unique_ptr<Sampler> make_sampler(const std::string& name, const ValueMap& options = {});

std::unique_ptr<Sampler> make_random_sampler(const ValueMap& options);
std::unique_ptr<Sampler> make_grid_sampler(const ValueMap& options);
std::unique_ptr<Sampler> make_gp_sampler(const ValueMap& options);

/// Whether a trial is data for a model-based sampler: Complete, or Pruned (with its last
/// reported value: a pruned trial was stopped for being bad, and leaving it out would let the
/// model believe its region unexplored — with aggressive pruning most trials are pruned).
bool counts_for_model(const FrozenTrial& t);
/// The parameters (with one range each) that every trial counting for the model has: the
/// space a joint proposal covers. Parameters whose range differs between trials are left out.
SearchSpace intersection_search_space(const std::vector<FrozenTrial>& trials);

/// A seed for (study seed, trial number, salt), well mixed (splitmix64).
uint64_t derive_seed(uint64_t seed, uint64_t number, const std::string& salt = "");

/// Uniform draw of an internal value for `d` (log scale in log space).
double sample_uniform(const Distribution& d, std::mt19937_64& rng);

/// options[key] as an integer >= min (fallback when absent); ValueError naming `what` and the
/// key otherwise.  Example: int_option(o, "n_startup_trials", 10, 1, "sampler 'gp'")
int64_t int_option(const ValueMap& options, const char* key, int64_t fallback, int64_t min,
                   const char* what);
/// Throws ValueError naming `what` (e.g. "sampler 'gp'") when `options` holds a key not in `known`.
void check_options(const char* what, const ValueMap& options,
                   const std::vector<std::string>& known);

}  // namespace xgrad::tune
