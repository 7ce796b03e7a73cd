// EarlyStopping, Checkpoint, Monitor and the fit() loop that drives them.
#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "core/test_helpers.hpp"
#include "support/callbacks.hpp"
#include "support/fit.hpp"

namespace {
namespace xg = xgrad;
namespace ex = xgrad::examples;
using xgtest::Contains;

ex::EpochRecord loss_at(int epoch, double test_loss) {
  ex::EpochRecord r;
  r.epoch = epoch;
  r.test_loss = test_loss;
  r.test_accuracy = 1 - test_loss;
  return r;
}

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  ex::EarlyStopping es(ex::EarlyStoppingOptions().patience(2));
  ex::History h;
  const std::vector<double> losses{1.0, 0.8, 0.85, 0.7, 0.75, 0.72, 0.1};
  int stopped = 0;
  for (size_t i = 0; i < losses.size(); ++i) {
    if (es.on_epoch_end(loss_at(int(i) + 1, losses[i]), h)) {
      stopped = int(i) + 1;
      break;
    }
  }
  EXPECT_EQ(stopped, 6);  // best 0.7 at epoch 4; epochs 5 and 6 do not beat it
  EXPECT_EQ(es.stopped_epoch(), 6);
  EXPECT_EQ(es.monitor().best_epoch(), 4);
  EXPECT_DOUBLE_EQ(es.monitor().best(), 0.7);
}

TEST(EarlyStopping, MinDeltaAndMaximisedAccuracy) {
  ex::History h;
  ex::EarlyStopping by_delta(ex::EarlyStoppingOptions().patience(1).min_delta(0.05));
  EXPECT_FALSE(by_delta.on_epoch_end(loss_at(1, 1.0), h));
  EXPECT_TRUE(by_delta.on_epoch_end(loss_at(2, 0.96), h));  // better, but by less than 0.05
  ex::EarlyStopping acc(ex::EarlyStoppingOptions().patience(2).monitor("test_accuracy"));
  EXPECT_TRUE(acc.monitor().maximize());
  EXPECT_FALSE(acc.on_epoch_end(loss_at(1, 0.5), h));  // accuracy 0.5
  EXPECT_FALSE(acc.on_epoch_end(loss_at(2, 0.4), h));  // 0.6: better
  EXPECT_FALSE(acc.on_epoch_end(loss_at(3, 0.45), h));
  EXPECT_TRUE(acc.on_epoch_end(loss_at(4, 0.41), h));
  // NaN (no evaluation that epoch) never counts as an improvement.
  ex::EarlyStopping nan(ex::EarlyStoppingOptions().patience(1));
  EXPECT_FALSE(nan.on_epoch_end(loss_at(1, 0.5), h));
  EXPECT_TRUE(nan.on_epoch_end(loss_at(2, ex::EpochRecord::kNaN), h));
}

TEST(EarlyStopping, BadOptionsAreValueErrors) {
  EXPECT_THROW(ex::EarlyStopping(ex::EarlyStoppingOptions().patience(0)), xg::ValueError);
  EXPECT_TRUE(Contains(xgtest::message_of<xg::ValueError>([] {
                         ex::EarlyStopping(ex::EarlyStoppingOptions().monitor("val_loss"));
                       }),
                       "unknown field 'val_loss'"));
  EXPECT_THROW(ex::EarlyStopping(ex::EarlyStoppingOptions().mode("lowest")), xg::ValueError);
  EXPECT_THROW(ex::EarlyStopping(ex::EarlyStoppingOptions().min_delta(-1)), xg::ValueError);
}

TEST(Checkpoint, SavesBestOnlyOrEveryEpoch) {
  ex::History h;
  std::vector<int> saved;
  ex::Checkpoint best([&](const ex::EpochRecord& r) { saved.push_back(r.epoch); });
  std::vector<int> every;
  ex::Checkpoint last([&](const ex::EpochRecord& r) { every.push_back(r.epoch); },
                      ex::CheckpointOptions().save_best_only(false));
  const std::vector<double> losses{0.9, 0.7, 0.8, 0.6, 0.65};
  for (size_t i = 0; i < losses.size(); ++i) {
    EXPECT_FALSE(best.on_epoch_end(loss_at(int(i) + 1, losses[i]), h));
    last.on_epoch_end(loss_at(int(i) + 1, losses[i]), h);
  }
  EXPECT_EQ(saved, (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(best.saved_epoch(), 4);
  EXPECT_EQ(best.saves(), 3);
  EXPECT_EQ(every, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_THROW(ex::Checkpoint(nullptr), xg::ValueError);
}

TEST(Fit, RunsEpochsRecordsHistoryAndLogs) {
  std::ostringstream log;
  std::vector<int> trained;
  const auto h = ex::fit(
      ex::FitOptions().epochs(3).log(&log),
      [&](int epoch) {
        trained.push_back(epoch);
        return ex::TrainResult{1.0 / epoch, 600, 0.01};
      },
      [&](int epoch) {
        return ex::EvalResult{0.5 / epoch, 0.5 + 0.1 * epoch};
      });
  EXPECT_EQ(trained, (std::vector<int>{1, 2, 3}));
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h.records()[1].epoch, 2);
  EXPECT_DOUBLE_EQ(h.records()[1].train_loss, 0.5);
  EXPECT_DOUBLE_EQ(h.records()[2].test_accuracy, 0.8);
  EXPECT_DOUBLE_EQ(h.records()[0].lr, 0.01);
  EXPECT_GE(h.records()[0].seconds, 0.0);
  std::istringstream in(log.str());
  std::string first;
  std::getline(in, first);
  EXPECT_TRUE(
      Contains(first, "epoch 1/3 | train loss 1.0000 | test loss 0.5000 | test acc 60.00%"));
  EXPECT_TRUE(Contains(first, "lr 1.00e-02"));
}

TEST(Fit, CallbacksStopItAndEveryCallbackSeesTheLastEpoch) {
  std::ostringstream log;
  ex::EarlyStopping es(ex::EarlyStoppingOptions().patience(2));
  std::vector<int> saved;
  ex::Checkpoint ck([&](const ex::EpochRecord& r) { saved.push_back(r.epoch); },
                    ex::CheckpointOptions().save_best_only(false));
  const std::vector<double> test_losses{0.5, 0.4, 0.45, 0.42, 0.1, 0.1};
  const auto h = ex::fit(
      ex::FitOptions().epochs(6).log(&log),
      [](int) {
        return ex::TrainResult{0.3, 10};
      },
      [&](int epoch) {
        return ex::EvalResult{test_losses[size_t(epoch - 1)], 0.9};
      },
      {&es, &ck});
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(es.stopped_epoch(), 4);
  EXPECT_EQ(saved, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_TRUE(Contains(log.str(), "stopping early after epoch 4"));
}

TEST(Fit, WithoutEvaluationAndErrors) {
  const auto h = ex::fit(
      ex::FitOptions().epochs(2).log(nullptr),
      [](int) {
        return ex::TrainResult{0.1, 0};
      },
      nullptr);
  EXPECT_EQ(h.size(), 2u);
  EXPECT_TRUE(std::isnan(h.back().test_loss));
  EXPECT_TRUE(std::isnan(h.back().samples_per_sec));
  EXPECT_THROW(ex::fit(
                   ex::FitOptions().epochs(0), [](int) { return ex::TrainResult{}; }, nullptr),
               xg::ValueError);
  // An exception in the training lambda reaches the caller.
  EXPECT_THROW(ex::fit(
                   ex::FitOptions().epochs(2).log(nullptr),
                   [](int) -> ex::TrainResult { throw std::runtime_error("diverged"); }, nullptr),
               std::runtime_error);
}

}  // namespace
