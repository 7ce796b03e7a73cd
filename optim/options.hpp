#pragma once
// Options for name-keyed construction (registries, configuration files, command lines,
// hyperparameter search). The value type is the library's one Value (core/value.hpp); this
// header gives it the optimizer-side names and the unknown-key check.
//
//   xgrad::optim::OptionMap opts = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}, {"nesterov", true}};
//   double lr = opts.at("lr").as_double("lr");
#include <string>
#include <vector>

#include <xgrad/core/value.hpp>

namespace xgrad::optim {

/// An option's value: the library's one value type (core/value.hpp).
using OptionValue = ::xgrad::Value;
/// Options by name.  Example: OptionMap m = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}};
using OptionMap = ::xgrad::ValueMap;
using ::xgrad::to_string;

/// Throws ValueError("<who>: unknown option 'x'; valid options: a, b, c") unless every key of
/// `options` is in `valid`.  Example: check_option_keys(opts, {"lr", "momentum"}, "sgd");
void check_option_keys(const OptionMap& options, const std::vector<std::string>& valid,
                       const std::string& who);

}  // namespace xgrad::optim
