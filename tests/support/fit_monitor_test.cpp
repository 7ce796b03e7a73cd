// fit() with a GradientMonitor: the diagnoses after each epoch and the plots rewritten.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/test_helpers.hpp"
#include "support/fit.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace ex = xgrad::examples;
using xgtest::Contains;

/// Two epochs of `steps` SGD steps on a fixed batch, with the monitor stepped each time.
std::string fit_with_monitor(nn::MLP& model, double lr, const std::string& svg) {
  xg::manual_seed(3);
  auto x = xg::randn({32, 8});
  auto y = xg::argmax(xg::randn({32, 3}), 1);
  xg::insight::GradientMonitor monitor(model, xg::insight::MonitorOptions().every(2));
  xg::optim::SGD opt(model.parameters(), xg::optim::SGDOptions(lr));
  std::ostringstream log;
  ex::fit(ex::FitOptions().epochs(2).log(&log).monitor(&monitor, svg),
          [&](int) {
            for (int s = 0; s < 6; ++s) {
              opt.zero_grad();
              xg::cross_entropy(model(x), y).backward();
              opt.step();
              monitor.step();
            }
            return ex::TrainResult{1.0, 32, lr};
          },
          {});
  return log.str();
}

TEST(FitMonitor, HealthyModelGetsOneLinePerEpochAndAPlot) {
  xg::manual_seed(1);
  nn::MLP model({8, 16, 3});
  const std::string svg = ::testing::TempDir() + "fit_monitor_test.svg";
  std::remove(svg.c_str());
  const std::string log = fit_with_monitor(model, 0.05, svg);
  EXPECT_TRUE(Contains(log, "gradients: healthy (3 samples, the last at step 4)"));
  EXPECT_TRUE(Contains(log, "gradients: healthy (6 samples, the last at step 10)"));
  EXPECT_TRUE(std::filesystem::exists(svg));
  std::remove(svg.c_str());
}

TEST(FitMonitor, ProblemsArePrintedWithEvidence) {
  xg::manual_seed(1);
  nn::MLP model({8, 16, 3});
  const std::string log = fit_with_monitor(model, 1e-8, "");  // no plot asked for
  EXPECT_TRUE(Contains(log, "gradients: [lr_too_low]"));
  EXPECT_TRUE(Contains(log, "evidence: largest update/weight ratio"));
}

TEST(FitMonitor, FormatBeforeAnySample) {
  xg::manual_seed(1);
  nn::MLP model({2, 2});
  xg::insight::GradientMonitor monitor(model);
  EXPECT_EQ(ex::format_monitor(monitor), "gradients: no sample yet\n");
}

}  // namespace
