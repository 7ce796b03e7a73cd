// Study: the contract's API (maximize, enqueue, conditional parameters, timeout, callbacks,
// stop), failures, and bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include <xgrad/xgrad.hpp>

namespace tune = xgrad::tune;

namespace {

TEST(Study, ContractExampleRunsAndFindsAGoodPoint) {
  tune::Study study(tune::StudyOptions().sampler("gp").seed(0).direction("minimize"));
  study.optimize(
      [](tune::Trial& t) {
        double lr = t.suggest_float("lr", 1e-5, 1e-1, /*log=*/true);
        int width = t.suggest_int("width", 32, 512, /*log=*/true);
        auto opt = t.suggest_categorical("optimizer", {"adam", "adamw", "sgd"});
        double x = t.suggest_float("x", -5.0, 10.0);
        return std::pow(std::log10(lr) + 3, 2) + std::pow(std::log2(width) - 7, 2) * 0.1 +
               (opt == "adamw" ? 0 : 1) + (x - 1) * (x - 1) * 0.01;
      },
      /*n_trials=*/25, /*n_jobs=*/2);
  EXPECT_EQ(study.trials().size(), 25u);
  EXPECT_LT(study.best_value(), 1.0);
  const auto p = study.best_params();
  EXPECT_EQ(p.at("optimizer").type(), xgrad::Value::Type::String);
  EXPECT_EQ(p.at("width").type(), xgrad::Value::Type::Int);
  EXPECT_EQ(study.best_trial().values(), p);
}

TEST(Study, MaximizeEnqueueAndConditionalParameters) {
  tune::Study s(tune::StudyOptions().sampler("random").direction("maximize").seed(1));
  s.enqueue_trial({{"kind", "b"}, {"y", 0.75}});
  s.optimize(
      [](tune::Trial& t) {
        const auto kind = t.suggest_categorical("kind", {"a", "b"});
        if (kind == "a") return t.suggest_float("x", 0, 1);
        return 2 * t.suggest_float("y", 0, 1);  // only in "b" trials
      },
      12);
  const auto trials = s.trials();
  EXPECT_EQ(trials[0].values().at("y").as_double("y"), 0.75);  // the enqueued trial ran first
  for (const auto& t : trials) {
    const auto v = t.values();
    EXPECT_NE(v.count("x"), v.count("y"));  // exactly one of the conditional parameters
  }
  double best = -1;
  for (const auto& t : trials) best = std::max(best, t.value);
  EXPECT_EQ(s.best_value(), best);
}

TEST(Study, EnqueuedValueOutsideTheRangeIsAnError) {
  tune::Study s(tune::StudyOptions().sampler("random"));
  s.enqueue_trial({{"x", 5.0}});
  EXPECT_THROW(s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 1),
               xgrad::ValueError);
  EXPECT_EQ(s.trials()[0].state, tune::TrialState::Fail);
}

TEST(Study, TimeoutCallbacksAndStop) {
  tune::Study s(tune::StudyOptions().sampler("random").seed(0));
  const auto t0 = std::chrono::steady_clock::now();
  s.optimize(
      [](tune::Trial& t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return t.suggest_float("x", 0, 1);
      },
      0, 1, /*timeout=*/0.2);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 1.0);
  EXPECT_GE(s.trials().size(), 3u);
  int calls = 0;
  s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 100, 1, 0,
             {[&](tune::Study& study, const tune::FrozenTrial&) {
               if (++calls == 5) study.stop();
             }});
  EXPECT_EQ(calls, 5);
}

TEST(Study, MaxTrialsCapsTheStudyOverCalls) {
  tune::Study s(tune::StudyOptions().sampler("random").max_trials(7));
  s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 5);
  s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 5);
  EXPECT_EQ(s.trials().size(), 7u);
}

TEST(Study, FailuresAreRecordedAndTheExceptionRethrown) {
  tune::Study s(tune::StudyOptions().sampler("random"));
  s.optimize([](tune::Trial& t) { return t.number() == 1 ? std::nan("") : 1.0; }, 3);
  EXPECT_EQ(s.trials()[1].state, tune::TrialState::Fail);
  EXPECT_EQ(s.trials()[2].state, tune::TrialState::Complete);
  EXPECT_THROW(s.optimize([](tune::Trial&) -> double { throw std::runtime_error("boom"); }, 5),
               std::runtime_error);
  EXPECT_EQ(s.trials().back().state, tune::TrialState::Fail);
  EXPECT_EQ(s.trials().back().message, "boom");
  EXPECT_EQ(s.trials().size(), 4u);  // stopped after the failure
}

TEST(Study, BadInputIsATypedErrorNamingTheProblem) {
  EXPECT_THROW(tune::Study(tune::StudyOptions().direction("down")), xgrad::ValueError);
  EXPECT_THROW(tune::Study(tune::StudyOptions().pruner("hyperband")), xgrad::ValueError);
  EXPECT_THROW(tune::Study(tune::StudyOptions().storage("postgres://x")), xgrad::ValueError);
  tune::Study s(tune::StudyOptions().sampler("random"));
  EXPECT_THROW(s.best_value(), xgrad::ValueError);
  EXPECT_THROW(s.optimize([](tune::Trial&) { return 0.0; }, 0), xgrad::ValueError);
  EXPECT_THROW(s.optimize([](tune::Trial&) { return 0.0; }, 1, 0), xgrad::ValueError);
  auto expect_suggest_error = [&](std::function<void(tune::Trial&)> f) {
    tune::Study st(tune::StudyOptions().sampler("random"));
    EXPECT_THROW(st.optimize(
                     [&](tune::Trial& t) {
                       f(t);
                       return 0.0;
                     },
                     1),
                 xgrad::ValueError);
  };
  expect_suggest_error([](tune::Trial& t) { t.suggest_float("x", 1, 0); });
  expect_suggest_error([](tune::Trial& t) { t.suggest_float("x", 0, 1, true); });
  expect_suggest_error([](tune::Trial& t) { t.suggest_int("n", 0, 10, true); });
  expect_suggest_error(
      [](tune::Trial& t) { t.suggest_categorical("c", std::vector<std::string>{}); });
  expect_suggest_error([](tune::Trial& t) {
    t.suggest_float("x", 0, 1);
    t.suggest_float("x", 0, 2);
  });
  expect_suggest_error([](tune::Trial& t) { t.report(1.0, -1); });
}

}  // namespace
