#include <xgrad/tune/study.hpp>

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <random>

#include <xgrad/core/random.hpp>
#include <xgrad/tune/detail/study_core.hpp>

namespace xgrad::tune {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string short_value(double v) {
  return std::isnan(v) ? "-" : fmt::format("{:.6g}", v);
}

}  // namespace

Study::Study(const StudyOptions& options) : options_(options) {
  core_ = std::make_shared<detail::StudyCore>();
  core_->direction = direction_from_string(options.direction_);
  if (options.study_name_.empty()) throw ValueError("StudyOptions::study_name must not be empty");
  if (options.max_trials_ < -1) {
    throw ValueError(
        fmt::format("StudyOptions::max_trials: expected >= 0 or -1, got {}", options.max_trials_));
  }
  core_->seed = options.seed_ ? *options.seed_ : std::random_device{}();
  core_->sampler = make_sampler(options.sampler_, options.sampler_options_);
  core_->pruner = make_pruner(options.pruner_, options.pruner_options_);
  core_->storage = make_storage(options.storage_);
  core_->owner = this_process_owner();
  core_->study_id = core_->storage->open_study(options.study_name_, core_->direction);
  // A killed process leaves its trials Running: they failed (and are kept as such).
  core_->storage->fail_orphaned_trials(core_->study_id);
}

Study::~Study() = default;

void Study::enqueue_trial(const ValueMap& params) {
  core_->storage->enqueue_trial(core_->study_id, params);
}

void Study::optimize(const Objective& objective, int64_t n_trials, int n_jobs,
                     double timeout_seconds, const std::vector<Callback>& callbacks) {
  if (!objective) throw ValueError("Study::optimize: no objective");
  if (n_jobs < 1)
    throw ValueError(fmt::format("Study::optimize: n_jobs must be >= 1, got {}", n_jobs));
  if (timeout_seconds < 0 || std::isnan(timeout_seconds)) {
    throw ValueError(
        fmt::format("Study::optimize: timeout must be >= 0 seconds, got {}", timeout_seconds));
  }
  if (n_trials <= 0 && timeout_seconds == 0 && options_.max_trials_ < 0) {
    throw ValueError(fmt::format(
        "Study::optimize: n_trials is {} and there is no timeout or max_trials: the study would "
        "never end",
        n_trials));
  }
  stop_ = false;
  started_ = 0;
  finished_ = 0;
  error_ = nullptr;
  const double deadline = timeout_seconds > 0 ? now_seconds() + timeout_seconds : 0;
  // A grid is fixed by its first trial: let it finish before others start.
  if (n_jobs > 1 && core_->sampler->needs_first_trial_alone()) {
    bool any = false;
    for (const auto& t : trials()) any = any || t.finished();
    if (!any) run_one(objective, n_trials, callbacks);
  }
  if (n_jobs == 1) {
    worker(objective, n_trials, deadline, callbacks);
  } else {
    tbb::task_arena arena(n_jobs);
    arena.execute([&] {
      tbb::parallel_for(
          0, n_jobs, 1, [&](int) { worker(objective, n_trials, deadline, callbacks); },
          tbb::simple_partitioner());
    });
  }
  if (error_) std::rethrow_exception(error_);
}

void Study::worker(const Objective& objective, int64_t n_trials, double deadline,
                   const std::vector<Callback>& callbacks) {
  while (!stop_ && (deadline == 0 || now_seconds() < deadline)) {
    if (!run_one(objective, n_trials, callbacks)) break;
  }
}

// One trial: claim a number, propose, run the objective single-threaded with the trial's own
// generator, record. False when no trial was started (limit reached).
bool Study::run_one(const Objective& objective, int64_t n_trials,
                    const std::vector<Callback>& callbacks) {
  if (n_trials > 0 && started_.fetch_add(1) >= n_trials) return false;
  auto& core = *core_;
  std::optional<FrozenTrial> record;
  std::vector<FrozenTrial> history;
  // Claim and propose under one lock: the next proposal sees this one as pending. In an arena
  // of one thread: the GP's ops may split loops into TBB tasks, and a thread waiting for those
  // inside the n_jobs arena could pick up another trial's task and block on this same lock.
  tbb::task_arena single(1);
  single.execute([&] {
    std::lock_guard<std::mutex> lock(propose_mutex_);
    history = core.storage->trials(core.study_id);
    int64_t cap = options_.max_trials_;
    if (auto grid = core.sampler->max_trials(history)) cap = cap < 0 ? *grid : std::min(cap, *grid);
    record = core.storage->start_trial(core.study_id, cap, core.owner);
    if (!record) {
      stop_ = true;
      return;
    }
    record->seed = derive_seed(core.seed, uint64_t(record->number), "trial");
    record->start_time = now_seconds();
    history = core.storage->trials(core.study_id);
    const SearchSpace space = intersection_search_space(history);
    if (!space.empty()) {
      try {
        const SampleContext ctx{history, *record, core.direction, core.seed};
        for (const auto& [name, x] : core.sampler->sample_relative(ctx, space))
          record->proposal[name] = ParamRecord{space.at(name), x};
      } catch (const std::exception& e) {  // the claimed trial must not stay Running
        record->state = TrialState::Fail;
        record->message = std::string("the sampler failed: ") + e.what();
        record->end_time = now_seconds();
        core.storage->update_trial(core.study_id, *record);
        // As an objective's exception: every worker stops starting trials, and optimize()
        // rethrows once the running ones end.
        std::lock_guard<std::mutex> error_lock(error_mutex_);
        if (!error_) error_ = std::current_exception();
        stop_ = true;
        record.reset();
        return;
      }
    }
    core.storage->update_trial(core.study_id, *record);
  });
  if (!record) return false;
  Trial trial(core_, *record, std::move(history));
  TrialState state = TrialState::Complete;
  double value = std::nan("");
  std::string message;
  try {
    // Single-threaded inside (an arena of one: nested parallel_for runs serially), with the
    // trial's own generator for rand, randn, dropout and init.
    ThreadGeneratorGuard generator(record->seed);
    tbb::task_arena one(1);
    one.execute([&] { value = objective(trial); });
    if (std::isnan(value)) {
      state = TrialState::Fail;
      message = "the objective returned NaN";
    }
  } catch (const TrialPruned&) {
    state = TrialState::Pruned;
    const auto& inter = trial.record().intermediate;
    value = inter.empty() ? std::nan("") : inter.rbegin()->second;
  } catch (const std::exception& e) {
    state = TrialState::Fail;
    message = e.what();
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!error_) error_ = std::current_exception();
    stop_ = true;
  } catch (...) {
    state = TrialState::Fail;
    message = "unknown exception";
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!error_) error_ = std::current_exception();
    stop_ = true;
  }
  FrozenTrial done = trial.record();
  done.state = state;
  done.value = value;
  done.message = message;
  done.end_time = now_seconds();
  core.storage->update_trial(core.study_id, done);
  const int64_t n_done = ++finished_;
  std::lock_guard<std::mutex> lock(callback_mutex_);
  if (options_.progress_) {
    // "trial n/N": of this call's n_trials, or of the study's max_trials (counting the trials
    // earlier runs finished, so a resumed study counts on).
    std::string best = "-";
    int64_t n = n_done, alive = 0;
    std::string of = n_trials > 0 ? std::to_string(n_trials) : "?";
    try {
      const auto b = best_trial();
      best = fmt::format("{} (trial {})", short_value(b.value), b.number);
    } catch (const ValueError&) {
    }
    if (n_trials <= 0 && options_.max_trials_ >= 0) {
      for (const auto& t : trials()) alive += t.finished() && t.state != TrialState::Fail;
      n = alive;
      of = std::to_string(options_.max_trials_);
    }
    std::cerr << fmt::format("[tune] trial {}/{}  #{} {}  value {}  best {}\n", n, of, done.number,
                             to_string(state), short_value(value), best);
  }
  for (const auto& cb : callbacks) cb(*this, done);
  return true;
}

std::vector<FrozenTrial> Study::trials() const {
  return core_->storage->trials(core_->study_id);
}

FrozenTrial Study::best_trial() const {
  std::optional<FrozenTrial> best;
  for (auto& t : trials()) {
    if (t.state != TrialState::Complete || std::isnan(t.value)) continue;
    if (!best || better(t.value, best->value, core_->direction)) best = std::move(t);
  }
  if (!best) {
    throw ValueError(fmt::format("Study '{}': no trial has completed yet, so there is no best",
                                 options_.study_name_));
  }
  return *best;
}

double Study::best_value() const {
  return best_trial().value;
}
ValueMap Study::best_params() const {
  return best_trial().values();
}
Direction Study::direction() const {
  return core_->direction;
}
uint64_t Study::seed() const {
  return core_->seed;
}

}  // namespace xgrad::tune
