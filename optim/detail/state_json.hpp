#pragma once
// Internal: the JSON spellings the optimizer and scheduler state files share
// (optim/optimizer_state.cpp, optim/schedulers/scheduler_state.cpp). Numbers are written with
// nlohmann-json's shortest round-trip text, non-finite ones as the strings "inf", "-inf", "nan"
// (JSON has no literal for them), so a resumed run reads back bitwise the same doubles.
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include <xgrad/optim/options.hpp>

namespace xgrad::optim::detail {

/// v as JSON: a number, or "inf"/"-inf"/"nan".
inline nlohmann::json number_json(double v) {
  if (std::isfinite(v)) return v;
  return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
}

/// The inverse of number_json; nullopt when j is neither a number nor one of its strings.
inline std::optional<double> number_from_json(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::nan("");
    if (s == "inf") return HUGE_VAL;
    if (s == "-inf") return -HUGE_VAL;
  }
  return std::nullopt;
}

/// An option value as JSON (lists as arrays, doubles through number_json).
inline nlohmann::json option_value_json(const OptionValue& v) {
  switch (v.type()) {
    case OptionValue::Type::Double:
      return number_json(v.as_double(""));
    case OptionValue::Type::Int:
      return v.as_int("");
    case OptionValue::Type::Bool:
      return v.as_bool("");
    case OptionValue::Type::String:
      return v.as_string("");
    case OptionValue::Type::List: {
      nlohmann::json a = nlohmann::json::array();
      for (double x : v.as_list("")) a.push_back(number_json(x));
      return a;
    }
    case OptionValue::Type::IntList:
      return v.as_int_list("");
  }
  return nullptr;
}

}  // namespace xgrad::optim::detail
