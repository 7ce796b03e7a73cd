#include <xgrad/tune/trial.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/tune/detail/study_core.hpp>

namespace xgrad::tune {

Trial::Trial(std::shared_ptr<detail::StudyCore> core, FrozenTrial record,
             std::vector<FrozenTrial> history)
    : core_(std::move(core)),
      record_(std::move(record)),
      history_(std::move(history)),
      generator_(derive_seed(record_.seed, 0, "generator")) {}

// Where a value comes from, first match wins: the same name asked before; enqueue_trial's
// fixed value; the sampler's joint proposal, when made for this very range; the sampler's
// independent draw.
double Trial::suggest(const std::string& name, const Distribution& d) {
  if (name.empty()) throw ValueError("Trial::suggest: the parameter name must not be empty");
  if (auto it = record_.params.find(name); it != record_.params.end()) {
    if (it->second.distribution != d) {
      throw ValueError(fmt::format(
          "Trial::suggest: parameter '{}' was suggested as {} and now as {}; one name, one range",
          name, it->second.distribution.describe(), d.describe()));
    }
    return it->second.internal;
  }
  double internal;
  if (auto f = record_.fixed.find(name); f != record_.fixed.end()) {
    internal = d.to_internal(name, f->second);
  } else if (auto p = record_.proposal.find(name);
             p != record_.proposal.end() && p->second.distribution == d) {
    internal = d.snap(p->second.internal);
  } else {
    const SampleContext ctx{history_, record_, core_->direction, core_->seed};
    internal = d.snap(core_->sampler->sample_independent(ctx, name, d));
  }
  record_.params[name] = ParamRecord{d, internal};
  return internal;
}

double Trial::suggest_float(const std::string& name, double lo, double hi, bool log, double step) {
  return suggest(name, Distribution::float_(name, lo, hi, log, step));
}

int64_t Trial::suggest_int(const std::string& name, int64_t lo, int64_t hi, bool log,
                           int64_t step) {
  return std::llround(suggest(name, Distribution::int_(name, lo, hi, log, step)));
}

std::string Trial::suggest_categorical(const std::string& name,
                                       std::initializer_list<const char*> choices) {
  return suggest_categorical(name, std::vector<std::string>(choices.begin(), choices.end()));
}

std::string Trial::suggest_categorical(const std::string& name,
                                       const std::vector<std::string>& choices) {
  std::vector<Value> values(choices.begin(), choices.end());
  return suggest_categorical(name, values).as_string(name);
}

Value Trial::suggest_categorical(const std::string& name, const std::vector<Value>& choices) {
  const auto d = Distribution::categorical(name, choices);
  return d.to_value(suggest(name, d));
}

void Trial::report(double value, int64_t step) {
  if (step < 0) {
    throw ValueError(
        fmt::format("Trial::report: step must be >= 0, got {} (value {})", step, value));
  }
  record_.intermediate[step] = value;
  core_->storage->update_trial(core_->study_id, record_);  // other processes' pruners see it
}

bool Trial::should_prune() {
  if (record_.intermediate.empty()) return false;
  return core_->pruner->prune(core_->storage->trials(core_->study_id), record_, core_->direction);
}

}  // namespace xgrad::tune
