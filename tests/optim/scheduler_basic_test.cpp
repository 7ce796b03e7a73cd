// StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR built from typed options:
// values from the closed forms by hand, several parameter groups, and validation errors.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/optim/schedulers/lr_anneal.hpp>
#include <xgrad/optim/schedulers/lr_decay.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using schedtest::RelNear;
using schedtest::SgdFixture;
using xgtest::Contains;
using xgtest::message_of;

const double kPi = std::acos(-1.0);

TEST(StepLR, DecaysEveryStepSizeEpochs) {
  SgdFixture s(1.0);
  optim::StepLR sched(*s.opt, optim::StepLROptions(3).gamma(0.5));
  EXPECT_EQ(s.lr(), 1.0);
  EXPECT_EQ(sched.last_epoch(), 0);
  EXPECT_EQ(sched.base_lrs(), std::vector<double>{1.0});
  const std::vector<double> expected = {1, 1, 0.5, 0.5, 0.5, 0.25, 0.25};
  for (double e : expected) {
    sched.step();
    EXPECT_EQ(s.lr(), e);
  }
  EXPECT_EQ(sched.name(), "StepLR");
}

TEST(StepLR, ScalesEveryGroupFromItsOwnLr) {
  SgdFixture s(1.0);
  auto extra = xg::zeros({1}, xg::kFloat64).requires_grad_();
  s.opt->add_param_group(optim::ParamGroup({extra}, optim::OptionMap{{"lr", 0.01}}));
  optim::StepLR sched(*s.opt, optim::StepLROptions(1).gamma(0.1));
  sched.step();
  EXPECT_TRUE(RelNear(sched.get_last_lr()[0], 0.1));
  EXPECT_TRUE(RelNear(sched.get_last_lr()[1], 0.001));
  EXPECT_TRUE(RelNear(s.lr(1), 0.001));
}

TEST(MultiStepLR, RepeatedMilestoneDecaysTwice) {
  SgdFixture s(1.0);
  optim::MultiStepLR sched(*s.opt, optim::MultiStepLROptions({4, 2, 4}).gamma(0.1));
  std::vector<double> lrs;
  for (int t = 1; t <= 5; ++t) {
    sched.step();
    lrs.push_back(s.lr());
  }
  EXPECT_EQ(lrs[0], 1.0);
  EXPECT_TRUE(RelNear(lrs[1], 0.1));
  EXPECT_TRUE(RelNear(lrs[2], 0.1));
  EXPECT_TRUE(RelNear(lrs[3], 0.001));
  EXPECT_TRUE(RelNear(lrs[4], 0.001));
}

TEST(ExponentialLR, MultipliesEveryEpoch) {
  SgdFixture s(2.0);
  optim::ExponentialLR sched(*s.opt, optim::ExponentialLROptions(0.5));
  for (int t = 1; t <= 6; ++t) {
    sched.step();
    EXPECT_TRUE(RelNear(s.lr(), 2.0 * std::pow(0.5, t)));
  }
}

TEST(CosineAnnealingLR, FollowsTheClosedFormAndWavesBack) {
  SgdFixture s(0.1);
  const double eta_min = 0.01;
  const int T = 10;
  optim::CosineAnnealingLR sched(*s.opt, optim::CosineAnnealingLROptions(T).eta_min(eta_min));
  for (int t = 1; t <= 3 * T; ++t) {
    sched.step();
    const double closed = eta_min + (0.1 - eta_min) * (1 + std::cos(kPi * t / T)) / 2;
    EXPECT_TRUE(RelNear(s.lr(), closed, 1e-12)) << "epoch " << t;
  }
}

TEST(LinearLR, WarmsUpThenHolds) {
  SgdFixture s(0.1);
  optim::LinearLR sched(*s.opt, optim::LinearLROptions().start_factor(0.25).total_iters(3));
  EXPECT_TRUE(RelNear(s.lr(), 0.025));  // construction applies start_factor
  for (int t = 1; t <= 6; ++t) {
    sched.step();
    const double factor = 0.25 + 0.75 * std::min(t, 3) / 3.0;
    EXPECT_TRUE(RelNear(s.lr(), 0.1 * factor)) << "epoch " << t;
  }
}

TEST(LinearLR, DefaultsArePyTorchs) {
  optim::LinearLROptions o;
  EXPECT_DOUBLE_EQ(o.start_factor(), 1.0 / 3.0);
  EXPECT_EQ(o.end_factor(), 1.0);
  EXPECT_EQ(o.total_iters(), 5);
}

TEST(SchedulerValidation, BadOptionsNameTheFieldAndValue) {
  SgdFixture s;
  auto& opt = *s.opt;
  auto msg = [](auto f) { return message_of<xg::ValueError>(f); };
  EXPECT_TRUE(Contains(msg([&] { optim::StepLR(opt, optim::StepLROptions(0)); }),
                       "StepLR: step_size must be >= 1, got 0"));
  EXPECT_TRUE(Contains(msg([&] { optim::StepLR(opt, optim::StepLROptions(2).gamma(-0.5)); }),
                       "StepLR: gamma must be a finite number >= 0, got -0.5"));
  EXPECT_TRUE(Contains(msg([&] {
                         optim::MultiStepLR(opt, optim::MultiStepLROptions({5, 0}));
                       }),
                       "MultiStepLR: milestones must be epochs >= 1, got 0"));
  EXPECT_TRUE(
      Contains(msg([&] { optim::ExponentialLR(opt, optim::ExponentialLROptions(std::nan(""))); }),
               "ExponentialLR: gamma"));
  EXPECT_TRUE(
      Contains(msg([&] { optim::CosineAnnealingLR(opt, optim::CosineAnnealingLROptions(0)); }),
               "CosineAnnealingLR: T_max must be >= 1, got 0"));
  EXPECT_TRUE(Contains(
      msg([&] { optim::CosineAnnealingLR(opt, optim::CosineAnnealingLROptions(5).eta_min(-1)); }),
      "CosineAnnealingLR: eta_min"));
  EXPECT_TRUE(Contains(msg([&] { optim::LinearLR(opt, optim::LinearLROptions().start_factor(0)); }),
                       "LinearLR: start_factor must be in (0, 1], got 0"));
  EXPECT_TRUE(Contains(msg([&] { optim::LinearLR(opt, optim::LinearLROptions().end_factor(1.5)); }),
                       "LinearLR: end_factor must be in [0, 1], got 1.5"));
  EXPECT_TRUE(Contains(msg([&] { optim::LinearLR(opt, optim::LinearLROptions().total_iters(0)); }),
                       "LinearLR: total_iters must be >= 1"));
  EXPECT_EQ(s.lr(), 0.1);  // failed constructions left the lr alone
}

TEST(SchedulerValidation, GroupAddedAfterTheSchedulerIsAnError) {
  SgdFixture s;
  optim::ExponentialLR sched(*s.opt, optim::ExponentialLROptions(0.5));
  s.opt->add_param_group(optim::ParamGroup({xg::zeros({1}, xg::kFloat64).requires_grad_()}));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { sched.step(); }),
                       "ExponentialLR::step: the optimizer has 2 parameter groups but the "
                       "scheduler was made for 1"));
  EXPECT_EQ(sched.last_epoch(), 0);
  EXPECT_EQ(s.lr(), 0.1);
}

}  // namespace
