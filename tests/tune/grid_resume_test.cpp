// The grid sampler after failed and pruned trials (no combination is revisited, none is left
// out), and int-list categorical choices through the SQLite storage (read back as int lists,
// so a grid resumed from the file sees the same distribution).
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "tune/tune_test_util.hpp"

namespace {
namespace tune = xgrad::tune;
using tunetest::temp_path;
using xgrad::Value;

size_t count(const std::vector<tune::FrozenTrial>& trials, tune::TrialState st) {
  size_t n = 0;
  for (const auto& t : trials) n += t.state == st;
  return n;
}

/// Runs optimize until it returns without rethrowing a trial's exception (at most `calls`).
void optimize_through_failures(tune::Study& s, const tune::Study::Objective& f, int calls = 30) {
  for (int i = 0; i < calls; ++i) {
    try {
      s.optimize(f, 100, 1);
      return;
    } catch (const std::runtime_error&) {
    }
  }
  FAIL() << "optimize kept failing";
}

std::set<std::string> combinations(const std::vector<tune::FrozenTrial>& trials) {
  std::set<std::string> seen;
  for (const auto& t : trials)
    if (!t.params.empty()) seen.insert(xgrad::to_string(t.values()));
  return seen;
}

TEST(GridSampler, FailedTrialsDoNotMakeTheGridRepeatACombination) {
  tune::Study s(tune::StudyOptions().sampler("grid"));
  optimize_through_failures(s, [](tune::Trial& t) {
    const auto a = t.suggest_int("a", 0, 3);
    const auto b = t.suggest_categorical("b", {"x", "y"});
    if (a == 2) throw std::runtime_error("diverged");  // after its suggests: a used combination
    return double(a) + (b == "x");
  });
  const auto trials = s.trials();
  EXPECT_EQ(trials.size(), 8u);  // 4 * 2, each once
  EXPECT_EQ(combinations(trials).size(), 8u);
  EXPECT_EQ(count(trials, tune::TrialState::Fail), 2u);
  EXPECT_EQ(count(trials, tune::TrialState::Complete), 6u);
  // The grid is done: another call starts nothing.
  s.optimize([](tune::Trial& t) { return double(t.suggest_int("a", 0, 3)); }, 5);
  EXPECT_EQ(s.trials().size(), 8u);
}

TEST(GridSampler, TrialFailingBeforeItsSuggestsLeavesNoCombinationOut) {
  tune::Study s(tune::StudyOptions().sampler("grid"));
  optimize_through_failures(s, [](tune::Trial& t) {
    if (t.number() == 1 || t.number() == 4) throw std::runtime_error("no data");
    return double(t.suggest_int("a", 0, 2)) + double(t.suggest_int("b", 0, 1));
  });
  const auto trials = s.trials();
  EXPECT_EQ(trials.size(), 8u);  // 6 combinations + 2 trials that took none
  EXPECT_EQ(combinations(trials).size(), 6u);
  EXPECT_EQ(count(trials, tune::TrialState::Complete), 6u);
}

TEST(GridSampler, PrunedTrialsKeepTheirCombination) {
  tune::Study s(tune::StudyOptions().sampler("grid"));
  s.optimize(
      [](tune::Trial& t) {
        const auto a = t.suggest_int("a", 0, 5);
        if (a % 2) throw tune::TrialPruned();
        return double(a);
      },
      100);
  const auto trials = s.trials();
  EXPECT_EQ(trials.size(), 6u);
  EXPECT_EQ(combinations(trials).size(), 6u);
  EXPECT_EQ(count(trials, tune::TrialState::Pruned), 3u);
}

TEST(SqliteStorage, IntListChoicesRoundTripExactly) {
  const auto db = temp_path("intlist.db");
  const std::vector<Value> choices = {
      Value(std::vector<int64_t>{64, 32}), Value(std::vector<int64_t>{128}),
      Value(std::vector<double>{1.0, 2.0}), Value(std::vector<int64_t>{})};
  auto objective = [&](tune::Trial& t) {
    const Value v = t.suggest_categorical("layers", choices);
    return double(v.type() == Value::Type::IntList ? v.as_int_list("layers").size() : 10);
  };
  auto opts = tune::StudyOptions().sampler("grid").storage("sqlite:" + db);
  {
    tune::Study s(opts);
    s.optimize(objective, 2);
  }
  tune::Study again(opts);
  auto trials = again.trials();
  ASSERT_EQ(trials.size(), 2u);
  for (const auto& t : trials) {
    const auto& d = t.params.at("layers").distribution;
    ASSERT_EQ(d.choices.size(), choices.size());
    for (size_t i = 0; i < choices.size(); ++i) {
      EXPECT_EQ(d.choices[i].type(), choices[i].type()) << i;
      EXPECT_TRUE(d.choices[i] == choices[i]) << i;
    }
  }
  EXPECT_TRUE(trials[0].values().at("layers") == choices[0]);
  EXPECT_EQ(trials[1].values().at("layers").type(), Value::Type::IntList);
  // The grid resumed from the file sees the same distribution and finishes it.
  again.optimize(objective, 10);
  trials = again.trials();
  ASSERT_EQ(trials.size(), 4u);
  EXPECT_EQ(count(trials, tune::TrialState::Complete), 4u);
  std::set<std::string> seen;
  for (const auto& t : trials) seen.insert(t.values().at("layers").to_string());
  EXPECT_EQ(seen.size(), 4u);
  std::remove(db.c_str());
}

}  // namespace
