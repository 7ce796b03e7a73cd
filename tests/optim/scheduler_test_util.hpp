#pragma once
// Shared by the scheduler tests: a one-parameter SGD to schedule, stepping it, relative
// comparison of learning rates, and the PyTorch reference cases (tests/data/schedulers.json).
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include <xgrad/optim/optimizers/sgd.hpp>

#include "core/test_helpers.hpp"
#include "optim/reference_json.hpp"

namespace schedtest {
namespace xg = xgrad;

/// A float64 parameter with a constant gradient, and SGD(lr, momentum 0.9) over it.
struct SgdFixture {
  explicit SgdFixture(double lr = 0.1, double momentum = 0.9) {
    param = xg::zeros({2}, xg::kFloat64).requires_grad_();
    param.set_grad(xg::ones({2}, xg::kFloat64));
    opt = std::make_unique<xg::optim::SGD>(std::vector<xg::Tensor>{param},
                                           xg::optim::SGDOptions(lr).momentum(momentum));
  }
  double lr(size_t group = 0) const { return opt->param_groups()[group].options().get_lr(); }
  xg::Tensor param;
  std::unique_ptr<xg::optim::SGD> opt;
};

/// |a − b| ≤ rel·|b| (exact when b = 0).
inline ::testing::AssertionResult RelNear(double a, double b, double rel = 1e-12) {
  if (std::abs(a - b) <= rel * std::abs(b)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << a << " vs expected " << b << " (relative error " << std::abs(a - b) / std::abs(b)
         << ", allowed " << rel << ")";
}

/// tests/data/schedulers.json (PyTorch 1.13: the lr after each of 100 steps, per scheduler).
inline const nlohmann::json& reference() {
  static const nlohmann::json data = xgtest::reference_json("schedulers.json");
  return data;
}

/// The reference case of scheduler `name`.
inline const nlohmann::json& find_case(const std::string& name) {
  for (const auto& c : reference().at("cases")) {
    if (c.at("scheduler") == name) return c;
  }
  throw std::runtime_error("no case " + name + " in schedulers.json");
}

using xgtest::options_from_json;

}  // namespace schedtest
