// Every scheduler case of tests/data/schedulers.json (PyTorch 1.13, float64): the lr after
// each of 100 `optimizer.step(); scheduler.step()` pairs agrees to 1e-12 relative.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include <xgrad/optim/schedulers/lr_plateau.hpp>
#include <xgrad/optim/schedulers/lr_registry.hpp>

#include "optim/scheduler_test_util.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using nlohmann::json;
using schedtest::find_case;
using schedtest::options_from_json;
using schedtest::reference;
using schedtest::RelNear;

class SchedulerReference : public ::testing::TestWithParam<std::string> {};

TEST_P(SchedulerReference, LrAfterEachOf100StepsMatchesPyTorch) {
  const json& c = find_case(GetParam());
  const auto expected = c.at("lr_after_step").get<std::vector<double>>();
  ASSERT_EQ(expected.size(), 100u);
  schedtest::SgdFixture s(c.at("initial_lr").get<double>());
  const auto options = options_from_json(c.at("options"));

  std::unique_ptr<optim::LRScheduler> sched;
  std::unique_ptr<optim::ReduceLROnPlateau> plateau;
  std::vector<double> metrics;
  if (GetParam() == "plateau") {
    plateau = std::make_unique<optim::ReduceLROnPlateau>(
        *s.opt, optim::ReduceLROnPlateauOptions::from_map(options));
    metrics = c.at("metrics").get<std::vector<double>>();
    ASSERT_EQ(metrics.size(), expected.size());
  } else {
    sched = optim::make_scheduler(GetParam(), *s.opt, options);
  }
  for (size_t t = 0; t < expected.size(); ++t) {
    s.opt->step();
    if (plateau) {
      plateau->step(metrics[t]);
      ASSERT_EQ(plateau->get_last_lr().at(0), s.lr());
    } else {
      sched->step();
      ASSERT_EQ(sched->get_last_lr().at(0), s.lr());
      ASSERT_EQ(sched->last_epoch(), static_cast<int64_t>(t + 1));
    }
    ASSERT_TRUE(RelNear(s.lr(), expected[t])) << GetParam() << " after step " << t + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(PyTorch113, SchedulerReference,
                         ::testing::Values("step", "multistep", "exponential", "cosine", "linear",
                                           "onecycle", "plateau"),
                         [](const auto& info) { return info.param; });

TEST(SchedulerReferenceData, EveryCaseIsCovered) {
  const std::set<std::string> tested = {"step",   "multistep", "exponential", "cosine",
                                        "linear", "onecycle",  "plateau"};
  for (const auto& c : reference().at("cases")) {
    EXPECT_TRUE(tested.count(c.at("scheduler").get<std::string>())) << c.at("scheduler");
  }
}

}  // namespace
