// make_scheduler: built-ins by name, option errors listing the valid keys, user registration.
#include <gtest/gtest.h>

#include <algorithm>

#include <xgrad/optim/schedulers/lr_decay.hpp>
#include <xgrad/optim/schedulers/lr_registry.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using schedtest::RelNear;
using schedtest::SgdFixture;
using xgtest::Contains;
using xgtest::message_of;

/// A user scheduler: lr = base / (1 + decay·epoch).
class InverseTimeLR : public optim::LRScheduler {
 public:
  InverseTimeLR(optim::Optimizer& opt, const optim::OptionMap& options) : LRScheduler(opt) {
    optim::check_option_keys(options, {"decay"}, "InverseTimeLR");
    if (auto it = options.find("decay"); it != options.end())
      decay_ = it->second.as_double("decay");
    initial_step();
  }
  std::string name() const override { return "InverseTimeLR"; }

 protected:
  std::vector<double> get_lr() override {
    std::vector<double> lrs;
    for (double b : base_lrs())
      lrs.push_back(b / (1.0 + decay_ * static_cast<double>(last_epoch())));
    return lrs;
  }

 private:
  double decay_ = 1.0;
};

}  // namespace

XGRAD_REGISTER_SCHEDULER("inverse_time", InverseTimeLR);

namespace {

TEST(SchedulerRegistry, BuiltinsAreListed) {
  const auto names = optim::scheduler_names();
  for (const char* n : {"cosine", "exponential", "linear", "multistep", "onecycle", "step"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(SchedulerRegistry, MakesTheNamedClass) {
  SgdFixture s(1.0);
  auto sched = optim::make_scheduler("multistep", *s.opt, {{"milestones", {1, 2}}, {"gamma", 0.5}});
  EXPECT_EQ(sched->name(), "MultiStepLR");
  EXPECT_NE(dynamic_cast<optim::MultiStepLR*>(sched.get()), nullptr);
  sched->step();
  sched->step();
  EXPECT_TRUE(RelNear(s.lr(), 0.25));
}

TEST(SchedulerRegistry, UnknownNameListsTheKnownOnes) {
  SgdFixture s;
  const auto msg = message_of<xg::ValueError>([&] { optim::make_scheduler("cosinus", *s.opt); });
  EXPECT_TRUE(Contains(msg, "make_scheduler: no scheduler named 'cosinus'"));
  EXPECT_TRUE(Contains(msg, "cosine, exponential"));
}

TEST(SchedulerRegistry, OptionErrorsListTheValidKeys) {
  SgdFixture s;
  auto msg = [&](const std::string& name, const optim::OptionMap& o) {
    return message_of<xg::ValueError>([&] { optim::make_scheduler(name, *s.opt, o); });
  };
  EXPECT_TRUE(Contains(msg("step", {{"gamma", 0.5}}),
                       "StepLR: option 'step_size' is required; valid options: step_size, gamma"));
  EXPECT_TRUE(Contains(msg("step", {{"step_size", 2}, {"gama", 0.5}}), "unknown option 'gama'"));
  const auto typed = msg("cosine", {{"T_max", 2.5}});
  EXPECT_TRUE(Contains(typed, "T_max"));
  EXPECT_TRUE(Contains(typed, "valid options: T_max, eta_min"));
  EXPECT_TRUE(Contains(msg("multistep", {{"milestones", {1.5}}}), "expected a list of integers"));
  EXPECT_TRUE(Contains(msg("onecycle", {{"max_lr", 0.1}, {"total_steps", 10}, {"three_phase", 1}}),
                       "three_phase"));
  // Validation still runs after parsing.
  EXPECT_TRUE(Contains(msg("linear", {{"start_factor", 2.0}}), "LinearLR: start_factor"));
}

TEST(SchedulerRegistry, UserSchedulerRegisteredWithOneLine) {
  SgdFixture s(1.0);
  auto sched = optim::make_scheduler("inverse_time", *s.opt, {{"decay", 0.5}});
  sched->step();
  sched->step();
  EXPECT_TRUE(RelNear(s.lr(), 0.5));  // 1 / (1 + 0.5·2)
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         optim::register_scheduler(
                             "step", [](optim::Optimizer& o, const optim::OptionMap& m) {
                               return std::unique_ptr<optim::LRScheduler>(new InverseTimeLR(o, m));
                             });
                       }),
                       "a scheduler named 'step' is already registered"));
}

}  // namespace
