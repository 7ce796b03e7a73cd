// OneCycleLR by hand: linear and three-phase cycles, momentum and Adam's beta1 cycling, one
// max lr per group, stepping past total_steps, and validation.
#include <gtest/gtest.h>

#include <cmath>

#include <xgrad/optim/optimizers/adagrad.hpp>
#include <xgrad/optim/optimizers/adam.hpp>
#include <xgrad/optim/schedulers/lr_onecycle.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using schedtest::RelNear;
using schedtest::SgdFixture;
using xgtest::Contains;
using xgtest::message_of;

const double kPi = std::acos(-1.0);

double cos_anneal(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1);
}
double momentum_of(const optim::Optimizer& opt) {
  return opt.param_groups()[0].options().to_map().at("momentum").as_double("momentum");
}

TEST(OneCycleLR, LinearTwoPhaseCycle) {
  // max 1, div 10 → starts at 0.1; final_div 100 → ends at 0.001. Phases end at steps
  // 0.3·10 − 1 = 2 and 10 − 1 = 9.
  SgdFixture s;
  optim::OneCycleLR sched(*s.opt, optim::OneCycleLROptions(1.0, 10)
                                      .anneal_strategy("linear")
                                      .div_factor(10)
                                      .final_div_factor(100)
                                      .cycle_momentum(false));
  EXPECT_TRUE(RelNear(s.lr(), 0.1));
  EXPECT_TRUE(RelNear(sched.base_lrs()[0], 0.1));
  std::vector<double> expected = {0.55, 1.0};
  for (int t = 3; t <= 9; ++t) expected.push_back(1.0 + (0.001 - 1.0) * (t - 2) / 7.0);
  for (size_t t = 0; t < expected.size(); ++t) {
    sched.step();
    EXPECT_TRUE(RelNear(s.lr(), expected[t])) << "step " << t + 1;
  }
  EXPECT_DOUBLE_EQ(momentum_of(*s.opt), 0.9);  // untouched without cycle_momentum
}

TEST(OneCycleLR, ThreePhaseCosineCycle) {
  // Phases end at 2, 2·0.3·10 − 2 = 4 and 9: up to max, back to initial, down to min.
  SgdFixture s;
  optim::OneCycleLR sched(*s.opt, optim::OneCycleLROptions(1.0, 10)
                                      .three_phase(true)
                                      .div_factor(10)
                                      .final_div_factor(100)
                                      .cycle_momentum(false));
  const double ini = 0.1, max = 1.0, min = 0.001;
  std::vector<double> expected = {cos_anneal(ini, max, 0.5), max, cos_anneal(max, ini, 0.5), ini};
  for (int t = 5; t <= 9; ++t) expected.push_back(cos_anneal(ini, min, (t - 4) / 5.0));
  for (size_t t = 0; t < expected.size(); ++t) {
    sched.step();
    EXPECT_TRUE(RelNear(s.lr(), expected[t])) << "step " << t + 1;
  }
  EXPECT_TRUE(RelNear(s.lr(), min));
}

TEST(OneCycleLR, CyclesSgdMomentumInverselyToLr) {
  SgdFixture s(0.1, 0.0);  // PyTorch sets momentum to max_momentum even when it was 0
  optim::OneCycleLR sched(*s.opt, optim::OneCycleLROptions(1.0, 10));
  EXPECT_DOUBLE_EQ(momentum_of(*s.opt), 0.95);
  sched.step();
  EXPECT_TRUE(RelNear(momentum_of(*s.opt), cos_anneal(0.95, 0.85, 0.5)));
  sched.step();  // the lr peak is the momentum trough
  EXPECT_TRUE(RelNear(momentum_of(*s.opt), 0.85));
  for (int t = 3; t <= 9; ++t) sched.step();
  EXPECT_TRUE(RelNear(momentum_of(*s.opt), 0.95));
}

TEST(OneCycleLR, CyclesAdamBeta1AndKeepsBeta2) {
  auto p = xg::zeros({2}, xg::kFloat64).requires_grad_();
  optim::Adam adam({p}, optim::AdamOptions(1e-3).betas({0.9, 0.99}));
  optim::OneCycleLR sched(adam, optim::OneCycleLROptions(0.01, 10).base_momentum(0.8));
  auto betas = [&] {
    return adam.param_groups()[0].options().to_map().at("betas").as_pair("betas");
  };
  EXPECT_DOUBLE_EQ(betas().first, 0.95);
  EXPECT_DOUBLE_EQ(betas().second, 0.99);
  sched.step();
  sched.step();
  EXPECT_TRUE(RelNear(betas().first, 0.8));
  EXPECT_DOUBLE_EQ(betas().second, 0.99);
}

TEST(OneCycleLR, OneMaxLrPerGroup) {
  SgdFixture s;
  s.opt->add_param_group(optim::ParamGroup({xg::zeros({1}, xg::kFloat64).requires_grad_()}));
  optim::OneCycleLR sched(*s.opt, optim::OneCycleLROptions(0.0, 10).max_lrs({1.0, 2.0}));
  for (int t = 1; t <= 2; ++t) sched.step();
  EXPECT_TRUE(RelNear(s.lr(0), 1.0));
  EXPECT_TRUE(RelNear(s.lr(1), 2.0));
}

TEST(OneCycleLR, SteppingPastTotalStepsIsAnErrorThatChangesNothing) {
  SgdFixture s;
  optim::OneCycleLR sched(*s.opt, optim::OneCycleLROptions(1.0, 10));
  for (int t = 1; t <= 10; ++t)
    sched.step();  // PyTorch allows total_steps steps after the initial one
  const double lr = s.lr();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { sched.step(); }),
                       "OneCycleLR::step: step 11 goes past total_steps = 10"));
  EXPECT_EQ(sched.last_epoch(), 10);
  EXPECT_EQ(s.lr(), lr);
}

TEST(OneCycleLR, Validation) {
  SgdFixture s;
  auto msg = [&](const optim::OneCycleLROptions& o) {
    return message_of<xg::ValueError>([&] { optim::OneCycleLR(*s.opt, o); });
  };
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 0)), "total_steps must be >= 1, got 0"));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 10).pct_start(1.5)),
                       "pct_start must be in [0, 1], got 1.5"));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 10).anneal_strategy("cosine")),
                       "anneal_strategy must be \"cos\" or \"linear\", got \"cosine\""));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(-1.0, 10)), "max_lr must be"));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 10).max_lrs({1, 2})),
                       "max_lrs has 2 values but the optimizer has 1 parameter groups"));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 10).div_factor(0)), "div_factor"));
  EXPECT_TRUE(Contains(msg(optim::OneCycleLROptions(1.0, 10).max_momentum(1.0)),
                       "max_momentum must be in [0, 1), got 1"));
  EXPECT_EQ(s.lr(), 0.1);
  EXPECT_DOUBLE_EQ(momentum_of(*s.opt), 0.9);

  auto p = xg::zeros({2}, xg::kFloat64).requires_grad_();
  optim::Adagrad adagrad({p}, optim::AdagradOptions(0.1));
  const auto m = message_of<xg::ValueError>(
      [&] { optim::OneCycleLR(adagrad, optim::OneCycleLROptions(1.0, 10)); });
  EXPECT_TRUE(Contains(m, "cycle_momentum needs an optimizer with a \"momentum\" or \"betas\""));
  EXPECT_TRUE(Contains(m, "Adagrad"));
  EXPECT_NO_THROW(
      optim::OneCycleLR(adagrad, optim::OneCycleLROptions(1.0, 10).cycle_momentum(false)));
}

}  // namespace
