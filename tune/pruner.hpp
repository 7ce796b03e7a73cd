#pragma once
// Pruners stop unpromising trials early, from the values trials report per step
// (Trial::report). Built in: "none", "median", "asha". Register one in one line:
//   XGRAD_REGISTER(xgrad::tune::pruner_registry(), "mine",
//                  [](const xgrad::ValueMap& o) { return std::make_unique<Mine>(o); });
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/tune/frozen_trial.hpp>

namespace xgrad::tune {

class Pruner {
 public:
  virtual ~Pruner() = default;
  /// Whether `trial` (whose latest report is its last intermediate value) should stop, given
  /// every trial of the study.
  virtual bool prune(const std::vector<FrozenTrial>& trials, const FrozenTrial& trial,
                     Direction direction) const = 0;
};

using PrunerFactory = std::function<std::unique_ptr<Pruner>(const ValueMap& options)>;
Registry<PrunerFactory>& pruner_registry();
/// Example: auto p = make_pruner("asha", {{"reduction_factor", 3}});
std::unique_ptr<Pruner> make_pruner(const std::string& name, const ValueMap& options = {});

std::unique_ptr<Pruner> make_no_pruner(const ValueMap& options);
std::unique_ptr<Pruner> make_median_pruner(const ValueMap& options);
std::unique_ptr<Pruner> make_asha_pruner(const ValueMap& options);

/// `a` better than `b` in `direction`.
inline bool better(double a, double b, Direction direction) {
  return direction == Direction::Minimize ? a < b : a > b;
}

}  // namespace xgrad::tune
