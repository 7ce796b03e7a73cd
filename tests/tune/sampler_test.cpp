// Samplers: random (seeded, the same trials for any n_jobs), grid (every combination once,
// clear error for a continuous float), gp (beats random on a smooth function, never an invalid
// integer or categorical, distinct proposals for parallel trials).
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <xgrad/xgrad.hpp>

#include "tune/tune_test_util.hpp"

namespace tune = xgrad::tune;
using tunetest::branin;

namespace {

// A user's sampler, registered in one line: always the low end of the range.
class LowSampler : public tune::Sampler {
 public:
  double sample_independent(const tune::SampleContext&, const std::string&,
                            const tune::Distribution& d) override {
    return d.lo;
  }
};
XGRAD_REGISTER(tune::sampler_registry(), "low",
               [](const xgrad::ValueMap&) { return std::make_unique<LowSampler>(); });

// A sampler whose joint proposal fails from the third trial on (a broken model, say).
class FailingSampler : public tune::Sampler {
 public:
  std::map<std::string, double> sample_relative(const tune::SampleContext& ctx,
                                                const tune::SearchSpace&) override {
    if (ctx.trial.number >= 2) throw std::runtime_error("the model broke");
    return {};
  }
  double sample_independent(const tune::SampleContext&, const std::string&,
                            const tune::Distribution& d) override {
    return d.lo;
  }
};
XGRAD_REGISTER(tune::sampler_registry(), "failing_from_2",
               [](const xgrad::ValueMap&) { return std::make_unique<FailingSampler>(); });

TEST(Samplers, AFailingSamplerStopsEveryWorkerAndTheErrorIsRethrown) {
  tune::Study s(tune::StudyOptions().sampler("failing_from_2"));
  EXPECT_THROW(s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 200, 2),
               std::runtime_error);
  // Trials 0 and 1 ran; the failure stops both workers within the trials already claimed,
  // instead of the other worker running on towards 200.
  const auto trials = s.trials();
  EXPECT_LE(trials.size(), 5u);
  int failed = 0;
  for (const auto& t : trials) failed += t.state == tune::TrialState::Fail;
  EXPECT_GE(failed, 1);
}

TEST(Samplers, AUserSamplerRegisteredInOneLineIsUsedByName) {
  tune::Study s(tune::StudyOptions().sampler("low"));
  s.optimize(
      [](tune::Trial& t) { return t.suggest_float("x", 2, 3) + double(t.suggest_int("n", 5, 9)); },
      3);
  EXPECT_EQ(s.best_value(), 7.0);
  EXPECT_THROW(tune::sampler_registry().add("low", nullptr), xgrad::ValueError);
}

double mixed_objective(tune::Trial& t) {
  const double x = t.suggest_float("x", -3, 3);
  const double lr = t.suggest_float("lr", 1e-4, 1e-1, true);
  const int64_t n = t.suggest_int("n", 1, 9, false, 2);
  const auto act = t.suggest_categorical("act", {"relu", "tanh", "gelu"});
  return x * x + std::abs(std::log10(lr) + 2) + double(n) * 0.1 + (act == "tanh" ? 0.0 : 0.5);
}

std::vector<std::string> signature(const tune::Study& s) {
  std::vector<std::string> out;
  for (const auto& t : s.trials())
    out.push_back(xgrad::to_string(t.values()) + std::to_string(t.value));
  return out;
}

TEST(RandomSampler, SameSeedSameTrialsForAnyNumberOfJobs) {
  tune::Study a(tune::StudyOptions().sampler("random").seed(7));
  tune::Study b(tune::StudyOptions().sampler("random").seed(7));
  tune::Study c(tune::StudyOptions().sampler("random").seed(8));
  a.optimize(mixed_objective, 20, 1);
  b.optimize(mixed_objective, 20, 3);
  c.optimize(mixed_objective, 20, 1);
  EXPECT_EQ(signature(a), signature(b));
  EXPECT_NE(signature(a), signature(c));
  for (const auto& t : a.trials()) {
    const auto v = t.values();
    EXPECT_GE(v.at("lr").as_double("lr"), 1e-4);
    EXPECT_LE(v.at("lr").as_double("lr"), 1e-1);
    EXPECT_EQ(v.at("n").as_int("n") % 2, 1);  // 1, 3, 5, 7, 9
  }
}

TEST(RandomSampler, TrialGeneratorAndXgradRandomnessAreTheTrialsOwn) {
  auto objective = [](tune::Trial& t) {
    t.suggest_float("x", 0, 1);
    return xgrad::randn({1}).item() + double(t.generator()() % 1000);
  };
  tune::Study a(tune::StudyOptions().sampler("random").seed(3));
  tune::Study b(tune::StudyOptions().sampler("random").seed(3));
  a.optimize(objective, 8, 1);
  b.optimize(objective, 8, 4);
  EXPECT_EQ(signature(a), signature(b));
}

TEST(GridSampler, VisitsEveryCombinationOnceThenStops) {
  for (int jobs : {1, 3}) {
    tune::Study s(tune::StudyOptions().sampler("grid"));
    s.optimize(
        [](tune::Trial& t) {
          const auto a = t.suggest_int("a", 0, 3);
          const auto b = t.suggest_categorical("b", {"x", "y"});
          const double c = t.suggest_float("c", 0.0, 1.0, false, 0.5);
          return double(a) + (b == "x") + c;
        },
        100, jobs);
    std::set<std::string> seen;
    for (const auto& t : s.trials()) seen.insert(xgrad::to_string(t.values()));
    EXPECT_EQ(s.trials().size(), 24u) << "jobs " << jobs;  // 4 * 2 * 3
    EXPECT_EQ(seen.size(), 24u) << "jobs " << jobs;
    EXPECT_EQ(s.best_value(), 0.0);
  }
}

TEST(GridSampler, ContinuousFloatIsAClearError) {
  tune::Study s(tune::StudyOptions().sampler("grid"));
  try {
    s.optimize([](tune::Trial& t) { return t.suggest_float("lr", 1e-3, 1e-1, true); }, 3);
    FAIL() << "expected ValueError";
  } catch (const xgrad::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("'lr'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no grid"), std::string::npos) << e.what();
  }
}

TEST(GpSampler, BeatsRandomSearchOnBranin) {
  double gp = 0, rnd = 0;
  for (uint64_t seed : {0, 1}) {
    auto objective = [](tune::Trial& t) {
      return branin(t.suggest_float("x1", -5, 10), t.suggest_float("x2", 0, 15));
    };
    tune::Study g(tune::StudyOptions().sampler("gp").seed(seed));
    tune::Study r(tune::StudyOptions().sampler("random").seed(seed));
    g.optimize(objective, 30);
    r.optimize(objective, 30);
    gp += g.best_value() - 0.397887;
    rnd += r.best_value() - 0.397887;
  }
  EXPECT_LT(gp, 0.3) << "gp regret summed over 2 seeds";
  EXPECT_LT(gp, rnd);
}

TEST(GpSampler, IntegersAndCategoricalsStayValidAndTheModelFindsTheGoodCategory) {
  tune::Study s(tune::StudyOptions().sampler("gp", {{"n_startup_trials", 5}}).seed(1));
  s.optimize(
      [](tune::Trial& t) {
        const int64_t k = t.suggest_int("k", 1, 64, true);
        const auto c = t.suggest_categorical("c", std::vector<xgrad::Value>{1, 2.5, "z"});
        const double x = t.suggest_float("x", 0, 1, false, 0.1);
        EXPECT_GE(k, 1);
        EXPECT_LE(k, 64);
        EXPECT_NEAR(x * 10, std::round(x * 10), 1e-9);
        return std::pow(std::log2(double(k)) - 3, 2) + (c == xgrad::Value("z") ? 0.0 : 2.0) + x;
      },
      25);
  EXPECT_EQ(s.best_params().at("c"), xgrad::Value("z"));
  EXPECT_LE(s.best_value(), 1.0);
}

TEST(GpSampler, ParallelTrialsGetDistinctProposals) {
  tune::Study s(tune::StudyOptions().sampler("gp", {{"n_startup_trials", 4}}).seed(2));
  s.optimize(
      [](tune::Trial& t) {
        const double x = t.suggest_float("x", -1, 1), y = t.suggest_float("y", -1, 1);
        return x * x + y * y;
      },
      16, 4);
  std::set<std::string> seen;
  for (const auto& t : s.trials()) seen.insert(xgrad::to_string(t.values()));
  EXPECT_EQ(seen.size(), 16u);
  EXPECT_LT(s.best_value(), 0.1);
}

TEST(GpModel, InterpolatesAndLogEiIsStableInTheTail) {
  std::mt19937_64 rng(0);
  std::vector<double> x = {0.05, 0.15, 0.3, 0.4, 0.55, 0.7, 0.8, 0.95}, y;
  for (double v : x) y.push_back(std::sin(6 * v));
  const auto m = tune::GpModel::fit(x, y, 1, rng, nullptr, 3);
  double mean, var;
  m.predict(&x[1], &mean, &var, nullptr, nullptr);
  EXPECT_NEAR(mean, m.standardise(y[1]), 0.1);
  // Gradient of the mean against finite differences.
  double x0 = 0.55, dm, dv, mp, vp, mm, vm;
  m.predict(&x0, &mean, &var, &dm, &dv);
  double xp = x0 + 1e-6, xm = x0 - 1e-6;
  m.predict(&xp, &mp, &vp, nullptr, nullptr);
  m.predict(&xm, &mm, &vm, nullptr, nullptr);
  EXPECT_NEAR(dm, (mp - mm) / 2e-6, 1e-4 * (1 + std::abs(dm)));
  EXPECT_NEAR(dv, (vp - vm) / 2e-6, 1e-4 * (1 + std::abs(dv)));
  // Far in the tail log EI is finite and decreasing, where EI itself underflows.
  const double a = tune::log_expected_improvement(40, 1, 0, nullptr, nullptr);
  const double b = tune::log_expected_improvement(41, 1, 0, nullptr, nullptr);
  EXPECT_TRUE(std::isfinite(a));
  EXPECT_LT(b, a);
  // and continuous where the two formulas meet (z = -20).
  const double l = tune::log_expected_improvement(20 - 1e-9, 1, 0, nullptr, nullptr);
  const double r = tune::log_expected_improvement(20 + 1e-9, 1, 0, nullptr, nullptr);
  EXPECT_NEAR(l, r, 1e-6);
}

TEST(Samplers, UnknownNameOrOptionListsTheKnownOnes) {
  try {
    tune::Study s(tune::StudyOptions().sampler("bayes"));
    FAIL();
  } catch (const xgrad::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("gp"), std::string::npos) << e.what();
  }
  EXPECT_THROW(tune::Study(tune::StudyOptions().sampler("gp", {{"n_startup", 3}})),
               xgrad::ValueError);
}

}  // namespace
