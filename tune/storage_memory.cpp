// The in-memory storage: one mutex around a vector of trials per study.
#include <fmt/format.h>

#include <map>
#include <mutex>

#include <xgrad/tune/storage.hpp>

namespace xgrad::tune {
namespace {

class MemoryStorage : public Storage {
 public:
  int64_t open_study(const std::string& name, Direction direction) override {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < studies_.size(); ++i) {
      if (studies_[i].name != name) continue;
      if (studies_[i].direction != direction) {
        throw ValueError(fmt::format("Study: study '{}' exists with direction {}, not {}", name,
                                     to_string(studies_[i].direction), to_string(direction)));
      }
      return int64_t(i);
    }
    studies_.push_back({name, direction, {}});
    return int64_t(studies_.size() - 1);
  }

  std::optional<FrozenTrial> start_trial(int64_t study, int64_t max_trials,
                                         const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& trials = studies_.at(size_t(study)).trials;
    int64_t alive = 0;
    for (const auto& t : trials)
      alive += t.state != TrialState::Fail && t.state != TrialState::Waiting;
    if (max_trials >= 0 && alive >= max_trials) return std::nullopt;
    for (auto& t : trials) {
      if (t.state == TrialState::Waiting) {
        t.state = TrialState::Running;
        t.owner = owner;
        return t;
      }
    }
    FrozenTrial t;
    t.number = int64_t(trials.size());
    t.state = TrialState::Running;
    t.owner = owner;
    trials.push_back(t);
    return t;
  }

  void update_trial(int64_t study, const FrozenTrial& trial) override {
    std::lock_guard<std::mutex> lock(mutex_);
    studies_.at(size_t(study)).trials.at(size_t(trial.number)) = trial;
  }

  void enqueue_trial(int64_t study, const ValueMap& params) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& trials = studies_.at(size_t(study)).trials;
    FrozenTrial t;
    t.number = int64_t(trials.size());
    t.state = TrialState::Waiting;
    t.fixed = params;
    trials.push_back(t);
  }

  std::vector<FrozenTrial> trials(int64_t study) override {
    std::lock_guard<std::mutex> lock(mutex_);
    return studies_.at(size_t(study)).trials;
  }

  int fail_orphaned_trials(int64_t) override { return 0; }  // dies with its process

 private:
  struct StudyData {
    std::string name;
    Direction direction;
    std::vector<FrozenTrial> trials;
  };
  std::mutex mutex_;
  std::vector<StudyData> studies_;
};

}  // namespace

std::unique_ptr<Storage> make_memory_storage() {
  return std::make_unique<MemoryStorage>();
}

}  // namespace xgrad::tune
