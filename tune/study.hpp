#pragma once
// Study: a hyperparameter search (Optuna's design, in C++). An objective takes a Trial, asks it
// for parameters, trains, and returns the value to minimise (or maximise):
//
//   namespace tune = xgrad::tune;
//   tune::Study study(tune::StudyOptions().sampler("gp").seed(0).direction("minimize"));
//   study.optimize([](tune::Trial& t) { double x = t.suggest_float("x", -5, 10); return x * x; },
//                  /*n_trials=*/50, /*n_jobs=*/2);
//   study.best_value(); study.best_params(); study.trials();
//
// Reproducibility: with a seed, trial k's random draws (the sampler's, Trial::generator(), and
// xgrad's rand/dropout inside the objective) come from generators seeded by (seed, k). See
// docs/tune.md for what that makes equal across n_jobs.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/core/value.hpp>
#include <xgrad/tune/frozen_trial.hpp>
#include <xgrad/tune/trial.hpp>

namespace xgrad::tune {

/// A study's settings; setters chain.
struct StudyOptions {
  /// "gp" (default), "random", "grid", or a registered name; options as a ValueMap.
  StudyOptions& sampler(std::string name, ValueMap options = {}) {
    sampler_ = std::move(name);
    sampler_options_ = std::move(options);
    return *this;
  }
  /// "none" (default), "median", "asha", or a registered name.
  StudyOptions& pruner(std::string name, ValueMap options = {}) {
    pruner_ = std::move(name);
    pruner_options_ = std::move(options);
    return *this;
  }
  /// "memory" (default) or "sqlite:PATH".
  StudyOptions& storage(std::string url) {
    storage_ = std::move(url);
    return *this;
  }
  StudyOptions& seed(uint64_t s) {
    seed_ = s;
    return *this;
  }
  /// "minimize" (default) or "maximize".
  StudyOptions& direction(std::string d) {
    direction_ = std::move(d);
    return *this;
  }
  /// The study's name in its storage (several studies can share a file).
  StudyOptions& study_name(std::string n) {
    study_name_ = std::move(n);
    return *this;
  }
  /// The study stops starting trials once it has this many that did not fail, over every
  /// optimize() call and process (so rerunning a killed command finishes the same study);
  /// -1: no limit.
  StudyOptions& max_trials(int64_t n) {
    max_trials_ = n;
    return *this;
  }
  /// A progress line on stderr per finished trial.
  StudyOptions& progress(bool on) {
    progress_ = on;
    return *this;
  }

  std::string sampler_ = "gp", pruner_ = "none", storage_ = "memory";
  ValueMap sampler_options_, pruner_options_;
  std::optional<uint64_t> seed_;
  std::string direction_ = "minimize", study_name_ = "default";
  int64_t max_trials_ = -1;
  bool progress_ = false;
};

class Study {
 public:
  using Objective = std::function<double(Trial&)>;
  /// Called after each finished trial (any state), one at a time; may call study.stop().
  using Callback = std::function<void(Study&, const FrozenTrial&)>;

  /// Opens (or creates) the study in its storage; Running trials left by a dead process are
  /// marked Fail there. ValueError / StorageError for bad options or a bad storage.
  explicit Study(const StudyOptions& options = StudyOptions());
  ~Study();

  /// Runs up to n_trials trials (n_trials <= 0: until `timeout_seconds` or stop()), n_jobs
  /// at a time on oneTBB threads, each trial single-threaded inside. Stops starting trials
  /// after timeout_seconds (> 0). A trial that throws (other than TrialPruned) is recorded as
  /// Fail and its exception is rethrown once running trials end; one returning NaN is Fail.
  void optimize(const Objective& objective, int64_t n_trials, int n_jobs = 1,
                double timeout_seconds = 0, const std::vector<Callback>& callbacks = {});
  /// The next trial takes these values for these parameters (others are sampled).
  void enqueue_trial(const ValueMap& params);
  /// Asks optimize() to start no more trials (running ones finish).
  void stop() { stop_ = true; }

  /// The best Complete trial's value / parameters / record; ValueError when none completed.
  double best_value() const;
  ValueMap best_params() const;
  FrozenTrial best_trial() const;
  /// Every trial, by number.
  std::vector<FrozenTrial> trials() const;
  Direction direction() const;
  uint64_t seed() const;
  const std::string& name() const { return options_.study_name_; }

 private:
  void worker(const Objective& objective, int64_t n_trials, double deadline,
              const std::vector<Callback>& callbacks);
  bool run_one(const Objective& objective, int64_t n_trials,
               const std::vector<Callback>& callbacks);

  StudyOptions options_;
  std::shared_ptr<detail::StudyCore> core_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> started_{0}, finished_{0};
  std::mutex propose_mutex_, callback_mutex_, error_mutex_;
  std::exception_ptr error_;
};

}  // namespace xgrad::tune
