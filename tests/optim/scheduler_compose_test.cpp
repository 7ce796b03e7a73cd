// SequentialLR (warmup then cosine, against the formulas by hand) and ChainedScheduler, and
// their argument errors.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/optim/schedulers/lr_anneal.hpp>
#include <xgrad/optim/schedulers/lr_compose.hpp>
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

TEST(SequentialLR, LinearWarmupThenCosineByHand) {
  SgdFixture s(0.1);
  const double base = 0.1, eta_min = 0.001, start = 0.1;
  const int warm = 4, T = 10;
  optim::SequentialLR sched(
      *s.opt,
      {std::make_shared<optim::LinearLR>(
           *s.opt, optim::LinearLROptions().start_factor(start).total_iters(warm)),
       std::make_shared<optim::CosineAnnealingLR>(
           *s.opt, optim::CosineAnnealingLROptions(T).eta_min(eta_min))},
      {warm});
  // Construction: the warmup's first factor, applied once (not also the cosine's step).
  EXPECT_TRUE(RelNear(s.lr(), base * start));
  EXPECT_EQ(sched.get_last_lr(), std::vector<double>{s.lr()});
  for (int t = 1; t <= warm + 3 * T; ++t) {
    sched.step();
    double expected;
    if (t < warm) {
      expected = base * (start + (1 - start) * t / warm);  // LinearLR's closed form
    } else {
      const int k = t - warm;  // the cosine restarts at its epoch 0 on the milestone
      expected = eta_min + (base - eta_min) * (1 + std::cos(kPi * k / T)) / 2;
    }
    ASSERT_TRUE(RelNear(s.lr(), expected)) << "step " << t;
    ASSERT_EQ(sched.get_last_lr()[0], s.lr());
    ASSERT_EQ(sched.last_epoch(), t);
  }
  EXPECT_EQ(sched.schedulers()[0]->last_epoch(), warm - 1);
  EXPECT_EQ(sched.schedulers()[1]->last_epoch(), 3 * T);
}

TEST(SequentialLR, ThreePartsRestartEachAtItsEpochZero) {
  SgdFixture s(1.0);
  optim::SequentialLR sched(
      *s.opt,
      {std::make_shared<optim::ExponentialLR>(*s.opt, optim::ExponentialLROptions(0.5)),
       std::make_shared<optim::StepLR>(*s.opt, optim::StepLROptions(2).gamma(0.1)),
       std::make_shared<optim::ExponentialLR>(*s.opt, optim::ExponentialLROptions(0.9))},
      {2, 5});
  // t: 1 → 0.5; 2 → step restarts at base 1; 3 → 1; 4 → 0.1; 5 → exp restarts at 1; 6 → 0.9.
  const std::vector<double> expected = {0.5, 1.0, 1.0, 0.1, 1.0, 0.9, 0.81};
  for (size_t t = 0; t < expected.size(); ++t) {
    sched.step();
    EXPECT_TRUE(RelNear(s.lr(), expected[t])) << "step " << t + 1;
  }
}

TEST(SequentialLR, ArgumentErrors) {
  SgdFixture s, other;
  auto lin = [](optim::Optimizer& o) {
    return std::make_shared<optim::LinearLR>(o, optim::LinearLROptions());
  };
  auto exp = [](optim::Optimizer& o) {
    return std::make_shared<optim::ExponentialLR>(o, optim::ExponentialLROptions(0.9));
  };
  auto msg = [&](std::vector<std::shared_ptr<optim::LRScheduler>> parts,
                 std::vector<int64_t> milestones) {
    return message_of<xg::ValueError>(
        [&] { optim::SequentialLR(*s.opt, std::move(parts), std::move(milestones)); });
  };
  EXPECT_TRUE(Contains(msg({}, {}), "SequentialLR: needs at least one scheduler"));
  EXPECT_TRUE(Contains(msg({lin(*s.opt), nullptr}, {3}), "scheduler 1 is null"));
  EXPECT_TRUE(Contains(msg({lin(*s.opt), exp(*s.opt)}, {}),
                       "2 schedulers need 1 milestones (the epochs where the next one takes "
                       "over), got 0"));
  EXPECT_TRUE(Contains(msg({lin(*s.opt), exp(*s.opt), exp(*s.opt)}, {5, 5}),
                       "milestones must be increasing epochs >= 1, got [5, 5]"));
  EXPECT_TRUE(Contains(msg({lin(*s.opt), exp(*other.opt)}, {3}),
                       "scheduler 1 (ExponentialLR) belongs to another optimizer"));
  auto chained = std::make_shared<optim::ChainedScheduler>(
      std::vector<std::shared_ptr<optim::LRScheduler>>{exp(*s.opt)});
  EXPECT_TRUE(Contains(msg({lin(*s.opt), chained}, {3}),
                       "scheduler 1 is a ChainedScheduler; composites do not nest"));
}

TEST(ChainedScheduler, MultipliesTheFactors) {
  SgdFixture s(0.1);
  optim::ChainedScheduler sched(
      {std::make_shared<optim::LinearLR>(*s.opt,
                                         optim::LinearLROptions().start_factor(0.5).total_iters(2)),
       std::make_shared<optim::ExponentialLR>(*s.opt, optim::ExponentialLROptions(0.9))});
  EXPECT_TRUE(RelNear(s.lr(), 0.05));
  EXPECT_EQ(sched.get_last_lr(), std::vector<double>{s.lr()});
  for (int t = 1; t <= 8; ++t) {
    sched.step();
    const double linear = 0.5 + 0.5 * std::min(t, 2) / 2.0;
    EXPECT_TRUE(RelNear(s.lr(), 0.1 * linear * std::pow(0.9, t))) << "step " << t;
    EXPECT_EQ(sched.get_last_lr()[0], s.lr());
  }
}

TEST(ChainedScheduler, PartsShareTheFirstMadeBaseLr) {
  SgdFixture s(0.1);
  auto warm = std::make_shared<optim::LinearLR>(*s.opt, optim::LinearLROptions().start_factor(0.1));
  auto cosine =
      std::make_shared<optim::CosineAnnealingLR>(*s.opt, optim::CosineAnnealingLROptions(5));
  EXPECT_TRUE(RelNear(cosine->base_lrs()[0], 0.01));  // made after the warmup changed the lr
  optim::ChainedScheduler sched({cosine, warm});
  EXPECT_TRUE(RelNear(cosine->base_lrs()[0], 0.1));  // PyTorch's shared initial_lr
  EXPECT_TRUE(RelNear(sched.base_lrs()[0], 0.1));
}

TEST(ChainedScheduler, ArgumentErrors) {
  SgdFixture s, other;
  using Parts = std::vector<std::shared_ptr<optim::LRScheduler>>;
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { optim::ChainedScheduler(Parts{}); }),
                       "ChainedScheduler: needs at least one scheduler"));
  Parts mixed = {
      std::make_shared<optim::ExponentialLR>(*s.opt, optim::ExponentialLROptions(0.9)),
      std::make_shared<optim::ExponentialLR>(*other.opt, optim::ExponentialLROptions(0.9))};
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { optim::ChainedScheduler{mixed}; }),
               "scheduler 1 (ExponentialLR) belongs to another optimizer than scheduler 0"));
}

}  // namespace
