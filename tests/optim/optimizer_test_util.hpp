#pragma once
// Helpers shared by the optimizer tests: reference data, test problems, comparisons.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <xgrad/optim/optimizers.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "optim/reference_json.hpp"

namespace xgtest {
namespace optim = xgrad::optim;

/// tests/data/optimizers.json (PyTorch 1.13 reference trajectories).
inline const nlohmann::json& optimizer_reference() {
  static const nlohmann::json data = reference_json("optimizers.json");
  return data;
}

/// Rosenbrock (1−x)² + 100(y−x²)² of a 2-element tensor; minimum 0 at (1, 1).
inline xg::Tensor rosenbrock(const xg::Tensor& xy) {
  auto x = xy[0];
  auto y = xy[1];
  return (1.0 - x).pow(2) + 100.0 * (y - x.pow(2)).pow(2);
}

/// |a − b| <= rel·|b| (+ a tiny absolute floor for values near zero).
inline ::testing::AssertionResult RelClose(const std::vector<double>& got,
                                           const std::vector<double>& want, double rel) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << "size " << got.size() << " != " << want.size();
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::abs(got[i] - want[i]) <= rel * std::abs(want[i]) + 1e-14)) {
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << got[i] << ", want " << want[i] << " (rel err "
             << std::abs(got[i] - want[i]) / std::abs(want[i]) << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

/// The bitwise data of a tensor, for exact comparisons.
inline std::vector<double> values(const xg::Tensor& t) {
  return t.to_vector();
}

}  // namespace xgtest
