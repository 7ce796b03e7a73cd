// Anomaly mode: NaN/Inf from an op's forward or backward becomes an error naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const xg::AutogradError& e) {
    return e.what();
  }
  return "(no AutogradError)";
}
}  // namespace

TEST(Anomaly, OffByDefaultNaNPassesSilently) {
  auto x = xg::tensor({-1.0}, xg::kFloat64).requires_grad_();
  auto y = xg::log(x);
  EXPECT_TRUE(std::isnan(y.item()));
}

TEST(Anomaly, ForwardNaNNamesTheOp) {
  xg::AnomalyGuard detect;
  auto x = xg::tensor({-1.0, 1.0}, xg::kFloat64).requires_grad_();
  const std::string msg = message_of([&] { xg::log(x); });
  EXPECT_NE(msg.find("'log'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("forward"), std::string::npos) << msg;
}

TEST(Anomaly, BackwardInfNamesNodeAndForwardOp) {
  auto x = xg::tensor({0.0, 1.0}, xg::kFloat64).requires_grad_();
  auto y = xg::pow(x, 0.5).sum();  // forward finite (0 and 1); d/dx = 0.5 / sqrt(x) = inf at 0
  xg::AnomalyGuard detect;
  const std::string msg = message_of([&] { y.backward(); });
  EXPECT_NE(msg.find("PowBackward"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'pow'"), std::string::npos) << msg;
}

TEST(Anomaly, GuardRestoresPreviousMode) {
  EXPECT_FALSE(xg::AnomalyMode::is_enabled());
  {
    xg::AnomalyGuard detect;
    EXPECT_TRUE(xg::AnomalyMode::is_enabled());
  }
  EXPECT_FALSE(xg::AnomalyMode::is_enabled());
}
