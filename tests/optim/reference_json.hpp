#pragma once
// The PyTorch reference data of the optimizer and scheduler tests (tests/data/*.json, written
// by PyTorch 1.13), shared so that both read it and its options the same way.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <xgrad/core/file_io.hpp>
#include <xgrad/optim/options.hpp>

namespace xgtest {

/// tests/data/`file`, parsed; an IOError naming the path when it cannot be read.
inline nlohmann::json reference_json(const std::string& file) {
  const auto bytes =
      xgrad::read_file(std::string(XGRAD_TEST_DATA_DIR) + "/" + file, "reference_json");
  return nlohmann::json::parse(bytes.begin(), bytes.end());
}

/// A reference case's options as an OptionMap: integers stay integers (a scheduler's step_size,
/// milestones' counts), other numbers are doubles, and bools, strings and lists of numbers.
inline xgrad::optim::OptionMap options_from_json(const nlohmann::json& j) {
  xgrad::optim::OptionMap m;
  for (const auto& [key, v] : j.items()) {
    if (v.is_boolean()) {
      m.emplace(key, v.get<bool>());
    } else if (v.is_number_integer()) {
      m.emplace(key, v.get<long long>());
    } else if (v.is_number()) {
      m.emplace(key, v.get<double>());
    } else if (v.is_string()) {
      m.emplace(key, v.get<std::string>());
    } else {
      m.emplace(key, v.get<std::vector<double>>());
    }
  }
  return m;
}

}  // namespace xgtest
