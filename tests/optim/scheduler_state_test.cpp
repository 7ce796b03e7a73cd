// Scheduler state (state_dict / load_state_dict, xg::save / xg::load): for every scheduler of
// tests/data/schedulers.json (PyTorch 1.13), run k steps, save optimizer and scheduler, load
// both into fresh ones, continue to 100: the lrs equal an uninterrupted run's exactly (and
// PyTorch's to 1e-12). Composites resume through their parts; ReduceLROnPlateau keeps best,
// bad epochs and cooldown. Wrong class, other options, other groups or parts: a ValueError
// that leaves the scheduler as it was.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include <xgrad/optim/save_load.hpp>
#include <xgrad/optim/schedulers/lr_schedulers.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using nlohmann::json;
using schedtest::find_case;
using schedtest::options_from_json;
using schedtest::RelNear;
using schedtest::SgdFixture;
using xgtest::Contains;
using xgtest::message_of;

std::string temp_path(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("xgrad_sched_" + tag + "_" + std::to_string(::getpid()) + ".safetensors"))
      .string();
}

/// Removes its files at the end of the test.
struct TempFiles {
  std::vector<std::string> paths;
  std::string operator()(const std::string& tag) {
    paths.push_back(temp_path(tag));
    return paths.back();
  }
  ~TempFiles() {
    for (const auto& p : paths) std::filesystem::remove(p);
  }
};

/// The lr (and momentum) after each step: `steps` steps in one run, or split at `split` with a
/// save/load of optimizer and scheduler (files, fresh objects) in between. Every scheduler is
/// made by name and stepped through the generic interface, step(metric).
struct Trace {
  std::vector<double> lrs, momenta;
};

Trace run(const std::string& name, size_t steps, std::optional<size_t> split) {
  const json& c = find_case(name);
  const auto options = options_from_json(c.at("options"));
  std::vector<double> metrics(steps, 0.0);
  if (name == "plateau") metrics = c.at("metrics").get<std::vector<double>>();
  TempFiles files;
  const std::string opt_file = files("opt_" + name), sched_file = files("sched_" + name);

  auto s = std::make_unique<SgdFixture>(c.at("initial_lr").get<double>());
  auto sched = optim::make_scheduler(name, *s->opt, options);
  Trace trace;
  for (size_t t = 0; t < steps; ++t) {
    if (split && t == *split) {
      xg::save(*s->opt, opt_file);
      xg::save(sched, sched_file);  // through the unique_ptr, as make_scheduler returns it
      sched.reset();
      s = std::make_unique<SgdFixture>(c.at("initial_lr").get<double>());
      sched = optim::make_scheduler(name, *s->opt, options);
      xg::load(*s->opt, opt_file);
      xg::load(sched, sched_file);
      EXPECT_EQ(sched->last_epoch(), static_cast<int64_t>(t)) << name;
    }
    s->opt->step();
    sched->step(metrics[t]);
    trace.lrs.push_back(s->lr());
    trace.momenta.push_back(
        s->opt->param_groups()[0].options().to_map().at("momentum").as_double("momentum"));
  }
  return trace;
}

class SchedulerResume : public ::testing::TestWithParam<std::string> {};

TEST_P(SchedulerResume, SavedAndLoadedRunEqualsUninterruptedOneExactly) {
  const auto expected = find_case(GetParam()).at("lr_after_step").get<std::vector<double>>();
  const Trace whole = run(GetParam(), 100, std::nullopt);
  for (size_t t = 0; t < 100; ++t) ASSERT_TRUE(RelNear(whole.lrs[t], expected[t])) << t;
  for (size_t split : {1, 7, 37, 99}) {
    const Trace resumed = run(GetParam(), 100, split);
    EXPECT_EQ(resumed.lrs, whole.lrs) << GetParam() << " split at " << split;
    EXPECT_EQ(resumed.momenta, whole.momenta) << GetParam() << " split at " << split;
  }
}

INSTANTIATE_TEST_SUITE_P(PyTorch113, SchedulerResume,
                         ::testing::Values("step", "multistep", "exponential", "cosine", "linear",
                                           "onecycle", "plateau"),
                         [](const auto& info) { return info.param; });

// ---- composites ------------------------------------------------------------------------------

using Maker = std::function<std::unique_ptr<optim::LRScheduler>(optim::Optimizer&)>;

std::unique_ptr<optim::LRScheduler> sequential(optim::Optimizer& opt) {
  return std::make_unique<optim::SequentialLR>(
      opt,
      std::vector<std::shared_ptr<optim::LRScheduler>>{
          std::make_shared<optim::LinearLR>(
              opt, optim::LinearLROptions().start_factor(0.1).total_iters(5)),
          std::make_shared<optim::StepLR>(opt, 4, 0.5),
          std::make_shared<optim::CosineAnnealingLR>(
              opt, optim::CosineAnnealingLROptions(10).eta_min(1e-3))},
      std::vector<int64_t>{5, 13});
}

std::unique_ptr<optim::LRScheduler> chained(optim::Optimizer& opt) {
  return std::make_unique<optim::ChainedScheduler>(std::vector<std::shared_ptr<optim::LRScheduler>>{
      std::make_shared<optim::LinearLR>(opt, optim::LinearLROptions().total_iters(6)),
      std::make_shared<optim::ExponentialLR>(opt, optim::ExponentialLROptions(0.9)),
      std::make_shared<optim::MultiStepLR>(opt, optim::MultiStepLROptions({3, 8}))});
}

std::vector<double> run_composite(const Maker& make, size_t steps, std::optional<size_t> split) {
  TempFiles files;
  auto s = std::make_unique<SgdFixture>(0.1);
  auto sched = make(*s->opt);
  std::vector<double> lrs;
  for (size_t t = 0; t < steps; ++t) {
    if (split && t == *split) {
      const std::string file = files("composite");
      xg::save(*sched, file);
      // Only the scheduler is loaded: the groups' lrs come back with it.
      sched.reset();
      s = std::make_unique<SgdFixture>(0.1);
      sched = make(*s->opt);
      xg::load(*sched, file);
    }
    s->opt->step();
    sched->step();
    lrs.push_back(s->lr());
  }
  return lrs;
}

TEST(SchedulerState, SequentialLRResumesThroughItsParts) {
  const auto whole = run_composite(sequential, 30, std::nullopt);
  for (size_t split : {2, 5, 6, 13, 20}) {
    EXPECT_EQ(run_composite(sequential, 30, split), whole) << "split at " << split;
  }
}

TEST(SchedulerState, ChainedSchedulerResumesThroughItsParts) {
  const auto whole = run_composite(chained, 20, std::nullopt);
  for (size_t split : {1, 3, 6, 9}) {
    EXPECT_EQ(run_composite(chained, 20, split), whole) << "split at " << split;
  }
}

TEST(SchedulerState, StateDictHoldsCountersLrsOptionsAndParts) {
  SgdFixture s(0.1);
  auto sched = sequential(*s.opt);
  for (int i = 0; i < 7; ++i) sched->step();
  const auto sd = sched->state_dict();
  EXPECT_EQ(sd.metadata.at("format"), "xgrad.scheduler/1");
  EXPECT_EQ(sd.metadata.at("scheduler"), "SequentialLR");
  const json state = json::parse(sd.metadata.at("state"));
  EXPECT_EQ(state.at("last_epoch"), 7);
  EXPECT_EQ(state.at("step_count"), 8);
  EXPECT_EQ(state.at("options").at("milestones"), json({5, 13}));
  ASSERT_EQ(state.at("parts").size(), 3u);
  EXPECT_EQ(state.at("parts")[1].at("name"), "StepLR");
  EXPECT_EQ(state.at("parts")[1].at("options").at("step_size"), 4);
  EXPECT_EQ(state.at("last_lr")[0].get<double>(), s.lr());
}

// ---- ReduceLROnPlateau's own state -----------------------------------------------------------

TEST(SchedulerState, PlateauKeepsBestBadEpochsAndCooldown) {
  SgdFixture s(1.0);
  optim::ReduceLROnPlateau a(*s.opt,
                             optim::ReduceLROnPlateauOptions().patience(1).cooldown(3).factor(0.5));
  const auto fresh = a.state_dict();                // best = +inf before the first step
  for (double m : {5.0, 4.0, 4.0, 4.0}) a.step(m);  // a reduction, cooldown running
  ASSERT_TRUE(a.in_cooldown());
  SgdFixture s2(1.0);
  optim::ReduceLROnPlateau b(*s2.opt,
                             optim::ReduceLROnPlateauOptions().patience(1).cooldown(3).factor(0.5));
  b.load_state_dict(a.state_dict());
  EXPECT_EQ(b.best(), 4.0);
  EXPECT_EQ(b.num_bad_epochs(), a.num_bad_epochs());
  EXPECT_TRUE(b.in_cooldown());
  EXPECT_EQ(b.last_epoch(), 4);
  EXPECT_EQ(b.get_last_lr(), a.get_last_lr());
  EXPECT_EQ(s2.lr(), 0.5);
  for (double m : {4.0, 4.0, 4.0, 4.0, 4.0, 3.0}) {
    a.step(m);
    b.step(m);
    EXPECT_EQ(s2.lr(), s.lr());
    EXPECT_EQ(b.num_bad_epochs(), a.num_bad_epochs());
  }
  b.load_state_dict(fresh);
  EXPECT_EQ(b.best(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(b.last_epoch(), 0);
}

// ---- errors leave the scheduler as it was ----------------------------------------------------

TEST(SchedulerState, AnotherClassIsAValueErrorNamingBoth) {
  SgdFixture s;
  optim::StepLR step(*s.opt, 10, 0.5);
  optim::ExponentialLR exp(*s.opt, optim::ExponentialLROptions(0.9));
  exp.step();
  const auto msg = message_of<xg::ValueError>([&] { exp.load_state_dict(step.state_dict()); });
  EXPECT_TRUE(Contains(msg, "ExponentialLR::load_state_dict")) << msg;
  EXPECT_TRUE(Contains(msg, "StepLR")) << msg;
  EXPECT_EQ(exp.last_epoch(), 1);
}

TEST(SchedulerState, OtherOptionsAreAValueErrorAndChangeNothing) {
  SgdFixture s;
  optim::StepLR a(*s.opt, 10, 0.5);
  for (int i = 0; i < 12; ++i) a.step();
  SgdFixture s2;
  optim::StepLR b(*s2.opt, 10, 0.1);
  const auto msg = message_of<xg::ValueError>([&] { b.load_state_dict(a.state_dict()); });
  EXPECT_TRUE(Contains(msg, "options")) << msg;
  EXPECT_TRUE(Contains(msg, "gamma")) << msg;
  EXPECT_EQ(b.last_epoch(), 0);
  EXPECT_EQ(s2.lr(), 0.1);
}

TEST(SchedulerState, OtherGroupCountIsAValueError) {
  SgdFixture s;
  optim::StepLR a(*s.opt, 10);
  auto p = xg::zeros({2}, xg::kFloat64).requires_grad_();
  auto q = xg::zeros({2}, xg::kFloat64).requires_grad_();
  optim::SGD two({p}, optim::SGDOptions(0.1));
  two.add_param_group(optim::ParamGroup({q}));
  optim::StepLR b(two, 10);
  const auto msg = message_of<xg::ValueError>([&] { b.load_state_dict(a.state_dict()); });
  EXPECT_TRUE(Contains(msg, "parameter group")) << msg;
}

TEST(SchedulerState, CompositeWithOtherPartsIsAValueErrorAndChangesNoPart) {
  SgdFixture s;
  auto a = sequential(*s.opt);
  for (int i = 0; i < 8; ++i) a->step();
  SgdFixture s2;
  auto linear = std::make_shared<optim::LinearLR>(
      *s2.opt, optim::LinearLROptions().start_factor(0.1).total_iters(5));
  optim::SequentialLR b(
      *s2.opt,
      {linear, std::make_shared<optim::ExponentialLR>(*s2.opt, optim::ExponentialLROptions(0.5)),
       std::make_shared<optim::CosineAnnealingLR>(
           *s2.opt, optim::CosineAnnealingLROptions(10).eta_min(1e-3))},
      {5, 13});
  const auto msg = message_of<xg::ValueError>([&] { b.load_state_dict(a->state_dict()); });
  EXPECT_TRUE(Contains(msg, "part 1")) << msg;
  EXPECT_TRUE(Contains(msg, "StepLR")) << msg;
  EXPECT_EQ(linear->last_epoch(), 0);  // part 0 was checked before part 1 failed: untouched
  EXPECT_EQ(b.last_epoch(), 0);
}

TEST(SchedulerState, OptimizerFileOrCorruptStateIsAValueError) {
  TempFiles files;
  SgdFixture s;
  optim::StepLR sched(*s.opt, 10);
  const std::string opt_file = files("optimizer");
  xg::save(*s.opt, opt_file);
  auto msg = message_of<xg::ValueError>([&] { xg::load(sched, opt_file); });
  EXPECT_TRUE(Contains(msg, "optimizer")) << msg;
  EXPECT_TRUE(Contains(msg, opt_file)) << msg;

  auto sd = sched.state_dict();
  sd.metadata["state"] = R"({"last_epoch": 3, "step_count": 4, "base_lrs": [0.1]})";
  msg = message_of<xg::ValueError>([&] { sched.load_state_dict(sd); });
  EXPECT_TRUE(Contains(msg, "last_lr")) << msg;
  sd.metadata["state"] = "{not json";
  EXPECT_THROW(sched.load_state_dict(sd), xg::ValueError);
  sd.metadata.erase("scheduler");
  EXPECT_THROW(sched.load_state_dict(sd), xg::ValueError);
  EXPECT_EQ(sched.last_epoch(), 0);
}

// ---- ReduceLROnPlateau by name ---------------------------------------------------------------

TEST(SchedulerRegistryPlateau, MadeByNameAndSteppedWithAMetric) {
  SgdFixture s(1.0);
  auto sched =
      optim::make_scheduler("plateau", *s.opt, {{"patience", 0}, {"factor", 0.5}, {"mode", "max"}});
  EXPECT_EQ(sched->name(), "ReduceLROnPlateau");
  EXPECT_TRUE(sched->needs_metric());
  EXPECT_NE(dynamic_cast<optim::ReduceLROnPlateau*>(sched.get()), nullptr);
  sched->step(0.5);
  sched->step(0.4);  // no improvement in "max" mode, patience 0: halve
  EXPECT_EQ(s.lr(), 0.5);
  EXPECT_EQ(sched->get_last_lr(), std::vector<double>{0.5});
  EXPECT_EQ(sched->last_epoch(), 2);
  const auto msg = message_of<xg::ValueError>([&] { sched->step(); });
  EXPECT_TRUE(Contains(msg, "step(metric)")) << msg;
  EXPECT_EQ(sched->last_epoch(), 2);
  const auto names = optim::scheduler_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "plateau"), names.end());
}

TEST(SchedulerRegistryPlateau, OptionErrorsListTheValidKeys) {
  SgdFixture s;
  const auto msg = message_of<xg::ValueError>([&] {
    optim::make_scheduler("plateau", *s.opt, {{"patiense", 3}});
  });
  EXPECT_TRUE(Contains(msg, "patiense")) << msg;
  EXPECT_TRUE(Contains(msg, "patience")) << msg;
  EXPECT_THROW(optim::make_scheduler("plateau", *s.opt, {{"mode", "up"}}), xg::ValueError);
}

TEST(SchedulerRegistryPlateau, OtherSchedulersIgnoreTheMetric) {
  SgdFixture a(1.0), b(1.0);
  auto x = optim::make_scheduler("step", *a.opt, {{"step_size", 2}, {"gamma", 0.5}});
  auto y = optim::make_scheduler("step", *b.opt, {{"step_size", 2}, {"gamma", 0.5}});
  EXPECT_FALSE(x->needs_metric());
  for (int i = 0; i < 5; ++i) {
    x->step();
    y->step(123.0 * i);
    EXPECT_EQ(a.lr(), b.lr());
  }
}

TEST(SchedulerRegistryPlateau, CompositesRefuseIt) {
  SgdFixture s;
  auto plateau = std::make_shared<optim::ReduceLROnPlateau>(*s.opt);
  auto step = std::make_shared<optim::StepLR>(*s.opt, 3);
  const auto msg = message_of<xg::ValueError>([&] { optim::ChainedScheduler({step, plateau}); });
  EXPECT_TRUE(Contains(msg, "metric")) << msg;
}

}  // namespace
