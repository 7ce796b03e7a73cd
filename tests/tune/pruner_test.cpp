// Pruners: median and asha stop bad trials and keep good ones; none never prunes.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace tune = xgrad::tune;

namespace {

tune::FrozenTrial trial_with(int64_t number, tune::TrialState state, std::vector<double> curve) {
  tune::FrozenTrial t;
  t.number = number;
  t.state = state;
  for (size_t s = 0; s < curve.size(); ++s) t.intermediate[int64_t(s)] = curve[s];
  if (!curve.empty()) t.value = curve.back();
  return t;
}

TEST(MedianPruner, PrunesWorseThanMedianAfterStartup) {
  const auto p = tune::make_pruner("median", {{"n_startup_trials", 3}});
  std::vector<tune::FrozenTrial> done;
  for (int i = 0; i < 3; ++i)
    done.push_back(trial_with(i, tune::TrialState::Complete, {1.0 + i, 0.5 + i}));
  const auto bad = trial_with(9, tune::TrialState::Running, {5.0});
  const auto good = trial_with(10, tune::TrialState::Running, {1.5});
  EXPECT_TRUE(p->prune(done, bad, tune::Direction::Minimize));
  EXPECT_FALSE(p->prune(done, good, tune::Direction::Minimize));
  EXPECT_TRUE(p->prune(done, good, tune::Direction::Maximize));  // 1.5 < median 2 when maximising
  // Before n_startup_trials complete, nothing is pruned.
  std::vector<tune::FrozenTrial> two(done.begin(), done.begin() + 2);
  EXPECT_FALSE(p->prune(two, bad, tune::Direction::Minimize));
  EXPECT_FALSE(tune::make_pruner("none")->prune(done, bad, tune::Direction::Minimize));
}

TEST(AshaPruner, KeepsTheTopThirdAtEachRung) {
  const auto p = tune::make_pruner("asha", {{"min_resource", 1}, {"reduction_factor", 3}});
  std::vector<tune::FrozenTrial> others;
  for (int i = 0; i < 5; ++i)
    others.push_back(trial_with(i, tune::TrialState::Complete, {0, double(i), double(i)}));
  // Rung 0 is step 1; values there 0..4 and ours. Top third of 6 = best 2.
  EXPECT_FALSE(p->prune(others, trial_with(9, tune::TrialState::Running, {0, 0.5}),
                        tune::Direction::Minimize));
  EXPECT_TRUE(p->prune(others, trial_with(9, tune::TrialState::Running, {0, 2.5}),
                       tune::Direction::Minimize));
  // At step 2 no rung is crossed (next rung is step 3): never pruned there.
  EXPECT_FALSE(p->prune(others, trial_with(9, tune::TrialState::Running, {0, 0.5, 99}),
                        tune::Direction::Minimize));
  EXPECT_THROW(tune::make_pruner("asha", {{"reduction_factor", 1}}), xgrad::ValueError);
}

TEST(Pruning, InAStudyPrunedTrialsStopEarlyAndKeepTheirLastValue) {
  tune::Study s(
      tune::StudyOptions().sampler("random").pruner("median", {{"n_startup_trials", 2}}).seed(0));
  int64_t steps = 0;
  s.optimize(
      [&](tune::Trial& t) {
        const double x = t.suggest_float("x", 0, 10);
        for (int64_t step = 0; step < 10; ++step) {
          ++steps;
          t.report(x + 1.0 / double(step + 1), step);
          if (t.should_prune()) throw tune::TrialPruned();
        }
        return x;
      },
      20);
  int pruned = 0;
  for (const auto& t : s.trials()) {
    if (t.state != tune::TrialState::Pruned) continue;
    ++pruned;
    EXPECT_EQ(t.value, t.intermediate.rbegin()->second);
  }
  EXPECT_GT(pruned, 3);
  EXPECT_LT(steps, 20 * 10);
}

}  // namespace
