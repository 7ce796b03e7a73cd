// ReduceLROnPlateau by hand: patience, modes, thresholds, cooldown, floors, eps, NaN metrics
// and validation.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/optim/schedulers/lr_plateau.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using schedtest::RelNear;
using schedtest::SgdFixture;
using xgtest::Contains;
using xgtest::message_of;

/// The lr after each metric.
std::vector<double> run(optim::ReduceLROnPlateau& sched, const SgdFixture& s,
                        const std::vector<double>& metrics) {
  std::vector<double> lrs;
  for (double m : metrics) {
    sched.step(m);
    lrs.push_back(s.lr());
  }
  return lrs;
}

TEST(ReduceLROnPlateau, ReducesAfterPatienceBadEpochs) {
  SgdFixture s(0.1);
  optim::ReduceLROnPlateau sched(*s.opt, optim::ReduceLROnPlateauOptions().factor(0.5).patience(2));
  // 10, 9 improve; the next three 9s are bad epochs 1, 2, 3 > patience → halve; then again.
  const auto lrs = run(sched, s, {10, 9, 9, 9, 9, 9, 9, 9});
  const std::vector<double> expected = {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025};
  for (size_t t = 0; t < lrs.size(); ++t) EXPECT_TRUE(RelNear(lrs[t], expected[t])) << t;
  EXPECT_EQ(sched.best(), 9.0);
  EXPECT_EQ(sched.last_epoch(), 8);
  EXPECT_EQ(sched.get_last_lr(), std::vector<double>{s.lr()});
}

TEST(ReduceLROnPlateau, RelativeThresholdNeedsAFractionalImprovement) {
  SgdFixture s(1.0);
  optim::ReduceLROnPlateau sched(
      *s.opt, optim::ReduceLROnPlateauOptions().patience(0).threshold(0.1).factor(0.5));
  // best 10; 9.5 is not < 10·0.9 → reduce; 8.9 < 9 → improvement.
  EXPECT_EQ(run(sched, s, {10, 9.5, 8.9}), (std::vector<double>{1.0, 0.5, 0.5}));
}

TEST(ReduceLROnPlateau, MaxModeWithAbsoluteThreshold) {
  SgdFixture s(1.0);
  optim::ReduceLROnPlateau sched(*s.opt, optim::ReduceLROnPlateauOptions()
                                             .mode("max")
                                             .threshold_mode("abs")
                                             .threshold(0.5)
                                             .patience(0)
                                             .factor(0.5));
  // best 1; 1.4 is not > 1.5 → reduce; 1.6 > 1.5 → improvement; 1.0 → reduce.
  EXPECT_EQ(run(sched, s, {1.0, 1.4, 1.6, 1.0}), (std::vector<double>{1.0, 0.5, 0.5, 0.25}));
  EXPECT_EQ(sched.best(), 1.6);
}

TEST(ReduceLROnPlateau, CooldownIgnoresBadEpochs) {
  SgdFixture s(1.0);
  optim::ReduceLROnPlateau sched(
      *s.opt, optim::ReduceLROnPlateauOptions().patience(0).cooldown(2).factor(0.5));
  EXPECT_EQ(run(sched, s, {5, 5}), (std::vector<double>{1.0, 0.5}));
  EXPECT_TRUE(sched.in_cooldown());
  EXPECT_EQ(run(sched, s, {5, 5, 5}), (std::vector<double>{0.5, 0.5, 0.25}));
}

TEST(ReduceLROnPlateau, FloorAndEps) {
  SgdFixture s(0.1);
  optim::ReduceLROnPlateau sched(*s.opt,
                                 optim::ReduceLROnPlateauOptions().patience(0).min_lr(0.05));
  EXPECT_EQ(run(sched, s, {1, 1, 1}), (std::vector<double>{0.1, 0.05, 0.05}));

  SgdFixture tiny(1.5e-8);
  optim::ReduceLROnPlateau small(*tiny.opt,
                                 optim::ReduceLROnPlateauOptions().patience(0).factor(0.5));
  // 1.5e-8 → 7.5e-9 is a change of 7.5e-9 ≤ eps = 1e-8: skipped.
  EXPECT_EQ(run(small, tiny, {1, 1}), (std::vector<double>{1.5e-8, 1.5e-8}));
}

TEST(ReduceLROnPlateau, PerGroupFloors) {
  SgdFixture s(1.0);
  s.opt->add_param_group(optim::ParamGroup({xg::zeros({1}, xg::kFloat64).requires_grad_()}));
  optim::ReduceLROnPlateau sched(
      *s.opt, optim::ReduceLROnPlateauOptions().patience(0).factor(0.1).min_lrs({0.5, 0.0}));
  run(sched, s, {1, 1});
  EXPECT_EQ(s.lr(0), 0.5);
  EXPECT_TRUE(RelNear(s.lr(1), 0.1));
}

TEST(ReduceLROnPlateau, NaNMetricIsABadEpoch) {
  SgdFixture s(1.0);
  optim::ReduceLROnPlateau sched(*s.opt, optim::ReduceLROnPlateauOptions().patience(1).factor(0.5));
  EXPECT_EQ(run(sched, s, {1, std::nan(""), std::nan("")}), (std::vector<double>{1, 1, 0.5}));
  EXPECT_EQ(sched.best(), 1.0);
}

TEST(ReduceLROnPlateau, Validation) {
  SgdFixture s;
  auto msg = [&](const optim::ReduceLROnPlateauOptions& o) {
    return message_of<xg::ValueError>([&] { optim::ReduceLROnPlateau(*s.opt, o); });
  };
  using O = optim::ReduceLROnPlateauOptions;
  EXPECT_TRUE(Contains(msg(O().mode("mean")), "mode must be \"min\" (a loss) or \"max\""));
  EXPECT_TRUE(Contains(msg(O().threshold_mode("relative")), "threshold_mode must be"));
  EXPECT_TRUE(Contains(msg(O().factor(1.0)), "factor must be in [0, 1), got 1"));
  EXPECT_TRUE(Contains(msg(O().patience(-1)), "patience must be >= 0, got -1"));
  EXPECT_TRUE(Contains(msg(O().cooldown(-2)), "cooldown must be >= 0, got -2"));
  EXPECT_TRUE(Contains(msg(O().threshold(-1e-4)), "threshold must be"));
  EXPECT_TRUE(Contains(msg(O().min_lr(-1)), "min_lr must be"));
  EXPECT_TRUE(Contains(msg(O().min_lrs({0, 0})), "min_lrs has 2 values but the optimizer has 1"));
}

TEST(ReduceLROnPlateau, FromMapChecksKeysAndTypes) {
  auto o = optim::ReduceLROnPlateauOptions::from_map({{"mode", "max"}, {"patience", 3}});
  EXPECT_EQ(o.mode(), "max");
  EXPECT_EQ(o.patience(), 3);
  const auto m1 = message_of<xg::ValueError>([] {
    optim::ReduceLROnPlateauOptions::from_map({{"patients", 3}});
  });
  EXPECT_TRUE(Contains(m1, "ReduceLROnPlateau: unknown option 'patients'"));
  EXPECT_TRUE(Contains(m1, "patience"));
  const auto m2 = message_of<xg::ValueError>([] {
    optim::ReduceLROnPlateauOptions::from_map({{"patience", 2.5}});
  });
  EXPECT_TRUE(Contains(m2, "patience"));
  EXPECT_TRUE(Contains(m2, "valid options: mode, factor"));
}

}  // namespace
