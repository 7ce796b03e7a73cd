#pragma once
// Trial: what the objective receives. Parameters are declared where they are used
// (define-by-run): a parameter suggested only inside an `if` is a conditional parameter.
//
//   double lr = t.suggest_float("lr", 1e-5, 1e-1, /*log=*/true);
//   int width = t.suggest_int("width", 32, 512, /*log=*/true);
//   auto opt  = t.suggest_categorical("optimizer", {"adam", "sgd"});
//   t.report(val_loss, epoch); if (t.should_prune()) throw tune::TrialPruned();
#include <exception>
#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <xgrad/tune/frozen_trial.hpp>
#include <xgrad/tune/sampler.hpp>

namespace xgrad::tune {

namespace detail {
struct StudyCore;
}

/// Thrown by an objective to say "the pruner stopped me"; the trial ends as Pruned with its
/// last reported value. Not an xgrad::Error, so `catch (const xgrad::Error&)` in an
/// objective does not swallow it.
class TrialPruned : public std::exception {
 public:
  const char* what() const noexcept override { return "trial pruned"; }
};

class Trial {
 public:
  /// A float in [lo, hi]; `log`: sampled uniformly in log space (lo > 0); `step` > 0: only
  /// lo + k*step. Asking twice for one name returns the same value (ValueError if the range
  /// differs).
  double suggest_float(const std::string& name, double lo, double hi, bool log = false,
                       double step = 0);
  /// An integer in [lo, hi]: every `step`-th from lo, or log-uniform (`log`, lo >= 1).
  int64_t suggest_int(const std::string& name, int64_t lo, int64_t hi, bool log = false,
                      int64_t step = 1);
  /// A number as the 4th argument would silently become `log`: write the step as the 5th,
  /// suggest_int(name, lo, hi, /*log=*/false, step), suggest_float(name, lo, hi, false, step).
  int64_t suggest_int(const std::string& name, int64_t lo, int64_t hi, int step) = delete;
  double suggest_float(const std::string& name, double lo, double hi, double step) = delete;
  /// One of string choices.  Example: t.suggest_categorical("act", {"relu", "tanh"})
  std::string suggest_categorical(const std::string& name,
                                  std::initializer_list<const char*> choices);
  std::string suggest_categorical(const std::string& name, const std::vector<std::string>& choices);
  /// One of any values (numbers, bools, strings).  Example: t.suggest_categorical("b", {16, 32})
  Value suggest_categorical(const std::string& name, const std::vector<Value>& choices);

  /// An intermediate objective value at `step` (an epoch), for the pruner.
  void report(double value, int64_t step);
  /// Whether the study's pruner says to stop now (throw TrialPruned() then).
  bool should_prune();

  int64_t number() const { return record_.number; }
  /// Seed of this trial's own generator; xgrad's rand/randn/dropout inside the objective
  /// already draw from a generator seeded with it.
  uint64_t seed() const { return record_.seed; }
  /// A generator for the objective's own draws (seeded from seed()).
  std::mt19937_64& generator() { return generator_; }
  /// The parameters suggested so far.
  ValueMap params() const { return record_.values(); }
  const FrozenTrial& record() const { return record_; }

 private:
  friend class Study;
  Trial(std::shared_ptr<detail::StudyCore> core, FrozenTrial record,
        std::vector<FrozenTrial> history);
  double suggest(const std::string& name, const Distribution& d);

  std::shared_ptr<detail::StudyCore> core_;
  FrozenTrial record_;
  std::vector<FrozenTrial> history_;  // the study when the trial started
  std::mt19937_64 generator_;
};

}  // namespace xgrad::tune
