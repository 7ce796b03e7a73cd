#include <xgrad/tune/detail/trial_json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include <xgrad/core/error.hpp>

namespace xgrad::tune {
namespace {
using json = nlohmann::json;

json value_json(const Value& v) {
  switch (v.type()) {
    case Value::Type::Double: {
      const double x = v.as_double("");
      return std::isfinite(x) ? json(x) : json(nullptr);
    }
    case Value::Type::Int:
      return json(v.as_int(""));
    case Value::Type::Bool:
      return json(v.as_bool(""));
    case Value::Type::String:
      return json(v.as_string(""));
    case Value::Type::List:
      return json(v.as_list(""));
    case Value::Type::IntList: {
      // An array of JSON integers; the empty one, which would read back as an empty list of
      // doubles, is tagged.
      const auto& list = v.as_int_list("");
      return list.empty() ? json{{"int_list", json::array()}} : json(list);
    }
  }
  return json();
}

// The inverse of value_json, type for type: integers stay Int, an array of integers is an
// IntList (a list of doubles is written with a decimal point or exponent, 1.0 not 1, so it
// reads back as List).
Value json_value(const json& j) {
  if (j.is_boolean()) return Value(j.get<bool>());
  if (j.is_number_integer()) return Value(j.get<int64_t>());
  if (j.is_number()) return Value(j.get<double>());
  if (j.is_string()) return Value(j.get<std::string>());
  if (j.is_object() && j.contains("int_list"))
    return Value(j["int_list"].get<std::vector<int64_t>>());
  if (j.is_array()) {
    const bool ints = !j.empty() && std::all_of(j.begin(), j.end(), [](const json& x) {
      return x.is_number_integer();
    });
    if (ints) return Value(j.get<std::vector<int64_t>>());
    return Value(j.get<std::vector<double>>());
  }
  return Value(std::nan(""));
}

// NaN and infinities are not JSON numbers: null stands for NaN, the strings "inf" and "-inf"
// for the infinities (an objective may return +inf when maximising; it must read back as such).
json number(double x) {
  if (std::isfinite(x)) return json(x);
  if (std::isinf(x)) return json(x > 0 ? "inf" : "-inf");
  return json(nullptr);
}
double number(const json& j) {
  if (j.is_null()) return std::nan("");
  if (j.is_string()) {
    const auto s = j.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    return std::nan("");
  }
  return j.get<double>();
}

json distribution_json(const Distribution& d) {
  json j = {{"kind", d.kind == Distribution::Kind::Float ? "float"
                     : d.kind == Distribution::Kind::Int ? "int"
                                                         : "categorical"},
            {"lo", d.lo},
            {"hi", d.hi},
            {"log", d.log},
            {"step", d.step}};
  if (d.kind == Distribution::Kind::Categorical) {
    json c = json::array();
    for (const auto& v : d.choices) c.push_back(value_json(v));
    j["choices"] = c;
  }
  return j;
}

Distribution json_distribution(const json& j) {
  Distribution d;
  const std::string kind = j.at("kind").get<std::string>();
  d.kind = kind == "float" ? Distribution::Kind::Float
           : kind == "int" ? Distribution::Kind::Int
                           : Distribution::Kind::Categorical;
  d.lo = j.at("lo").get<double>();
  d.hi = j.at("hi").get<double>();
  d.log = j.at("log").get<bool>();
  d.step = j.at("step").get<double>();
  if (j.contains("choices"))
    for (const auto& c : j["choices"]) d.choices.push_back(json_value(c));
  return d;
}

json params_json(const std::map<std::string, ParamRecord>& params) {
  json j = json::object();
  for (const auto& [name, p] : params)
    j[name] = {{"distribution", distribution_json(p.distribution)},
               {"internal", p.internal},
               {"value", value_json(p.distribution.to_value(p.internal))}};
  return j;
}

std::map<std::string, ParamRecord> json_params(const json& j) {
  std::map<std::string, ParamRecord> out;
  for (auto it = j.begin(); it != j.end(); ++it)
    out[it.key()] = ParamRecord{json_distribution(it.value().at("distribution")),
                                it.value().at("internal").get<double>()};
  return out;
}

}  // namespace

std::string value_to_json(const Value& v) {
  return value_json(v).dump();
}

std::string trial_to_json(const FrozenTrial& t) {
  json inter = json::object();
  for (const auto& [step, v] : t.intermediate) inter[std::to_string(step)] = number(v);
  json fixed = json::object();
  for (const auto& [name, v] : t.fixed) fixed[name] = value_json(v);
  const json j = {{"number", t.number},
                  {"state", to_string(t.state)},
                  {"value", number(t.value)},
                  {"params", params_json(t.params)},
                  {"intermediate", inter},
                  {"fixed", fixed},
                  {"proposal", params_json(t.proposal)},
                  {"seed", t.seed},
                  {"owner", t.owner},
                  {"start_time", t.start_time},
                  {"end_time", t.end_time},
                  {"message", t.message}};
  return j.dump();
}

FrozenTrial trial_from_json(const std::string& text, const std::string& where) {
  try {
    const json j = json::parse(text);
    FrozenTrial t;
    t.number = j.at("number").get<int64_t>();
    t.state = trial_state_from_string(j.at("state").get<std::string>());
    t.value = number(j.at("value"));
    t.params = json_params(j.at("params"));
    for (auto it = j.at("intermediate").begin(); it != j.at("intermediate").end(); ++it)
      t.intermediate[std::stoll(it.key())] = number(it.value());
    for (auto it = j.at("fixed").begin(); it != j.at("fixed").end(); ++it)
      t.fixed[it.key()] = json_value(it.value());
    t.proposal = json_params(j.at("proposal"));
    t.seed = j.at("seed").get<uint64_t>();
    t.owner = j.at("owner").get<std::string>();
    t.start_time = j.at("start_time").get<double>();
    t.end_time = j.at("end_time").get<double>();
    t.message = j.at("message").get<std::string>();
    return t;
  } catch (const xgrad::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw IOError(
        fmt::format("{}: a trial record is not valid ({}); the file was not written "
                    "by this version of xgrad::tune",
                    where, e.what()));
  }
}

}  // namespace xgrad::tune
