#pragma once
// FrozenTrial: everything recorded about one trial, as storages keep it and as
// Study::trials() returns it.
#include <cstdint>
#include <limits>
#include <map>
#include <string>

#include <xgrad/core/value.hpp>
#include <xgrad/tune/distribution.hpp>

namespace xgrad::tune {

/// Waiting: enqueued, not started.  Running.  Complete: returned a value.  Pruned: stopped by
/// the pruner (TrialPruned).  Fail: threw, returned NaN, or its process died.
enum class TrialState { Waiting, Running, Complete, Pruned, Fail };
const char* to_string(TrialState s);
TrialState trial_state_from_string(const std::string& s);

/// Minimise or maximise the objective.
enum class Direction { Minimize, Maximize };
const char* to_string(Direction d);
/// "minimize" / "maximize"; ValueError otherwise.
Direction direction_from_string(const std::string& s);

/// One parameter of a trial: its range and its internal value (see distribution.hpp).
struct ParamRecord {
  Distribution distribution;
  double internal = 0;
};

struct FrozenTrial {
  int64_t number = -1;
  TrialState state = TrialState::Running;
  /// The objective's value (Complete), the last reported value (Pruned), else NaN.
  double value = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, ParamRecord> params;
  /// report(value, step): step -> value.
  std::map<int64_t, double> intermediate;
  /// enqueue_trial's fixed values, used by suggest_* before any sampler.
  ValueMap fixed;
  /// The sampler's joint proposal at the trial's start (internal values), kept so that
  /// proposals for trials running in parallel can see it (constant liar).
  std::map<std::string, ParamRecord> proposal;
  /// Seed of the trial's own generator (Trial::generator and xgrad's rand/dropout inside it).
  uint64_t seed = 0;
  /// "host:pid" of the process running it (to fail the trials of a dead process on resume).
  std::string owner;
  double start_time = 0, end_time = 0;  // seconds since the epoch
  /// Why a trial failed.
  std::string message;

  /// The parameters as the user saw them.  Example: trial.values().at("lr").as_double("lr")
  ValueMap values() const;
  bool finished() const {
    return state == TrialState::Complete || state == TrialState::Pruned ||
           state == TrialState::Fail;
  }
};

}  // namespace xgrad::tune
