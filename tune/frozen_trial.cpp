#include <xgrad/tune/frozen_trial.hpp>

#include <fmt/format.h>

#include <xgrad/core/error.hpp>

namespace xgrad::tune {

const char* to_string(TrialState s) {
  switch (s) {
    case TrialState::Waiting:
      return "waiting";
    case TrialState::Running:
      return "running";
    case TrialState::Complete:
      return "complete";
    case TrialState::Pruned:
      return "pruned";
    case TrialState::Fail:
      return "fail";
  }
  return "?";
}

TrialState trial_state_from_string(const std::string& s) {
  for (auto st : {TrialState::Waiting, TrialState::Running, TrialState::Complete,
                  TrialState::Pruned, TrialState::Fail})
    if (s == to_string(st)) return st;
  throw ValueError(fmt::format("tune: unknown trial state '{}'", s));
}

const char* to_string(Direction d) {
  return d == Direction::Minimize ? "minimize" : "maximize";
}

Direction direction_from_string(const std::string& s) {
  if (s == "minimize") return Direction::Minimize;
  if (s == "maximize") return Direction::Maximize;
  throw ValueError(
      fmt::format("StudyOptions::direction: expected 'minimize' or 'maximize', got '{}'", s));
}

ValueMap FrozenTrial::values() const {
  ValueMap out;
  for (const auto& [name, p] : params) out.emplace(name, p.distribution.to_value(p.internal));
  return out;
}

}  // namespace xgrad::tune
