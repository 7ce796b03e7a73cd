// Scheduler state to and from metadata (state_dict / load_state_dict) and files, in the
// optimizers' format family (optim/optimizer_state.cpp): safetensors string metadata, here
// with no tensors at all, since a scheduler's state is a handful of numbers.
//   "format"    "xgrad.scheduler/1"
//   "scheduler" name()
//   "state"     JSON {"last_epoch", "step_count", "base_lrs", "last_lr", "options", "extra",
//                     "parts": [{"name", ...same keys...}]}
// Doubles are written by nlohmann-json with 17 significant digits, which read back to the same
// double, so a resumed run's lrs are bitwise those of an uninterrupted one; non-finite values
// (ReduceLROnPlateau's best before its first step is ±inf) are written as "inf", "-inf", "nan".
//
// Loading is two-phase over the whole tree of parts: check everything (commit=false), then
// apply (commit=true), so a bad state changes nothing.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include <xgrad/core/detail/bounded_json.hpp>
#include <xgrad/optim/detail/state_json.hpp>
#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {
namespace detail {
namespace {

using json = nlohmann::json;
constexpr const char* kFormat = "xgrad.scheduler/1";

json map_json(const OptionMap& m) {
  json out = json::object();
  for (const auto& [key, value] : m) out[key] = option_value_json(value);
  return out;
}

/// The inverse of option_value_json for extra state: integers stay integers, the non-finite
/// strings become doubles, arrays of integers int lists.
OptionValue json_value(const json& j, const std::string& key) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return static_cast<long long>(j.get<int64_t>());
  if (auto x = number_from_json(j)) return *x;
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array()) {
    bool ints = !j.empty();
    for (const auto& x : j) ints = ints && x.is_number_integer();
    if (ints) return j.get<std::vector<int64_t>>();
    std::vector<double> list;
    for (const auto& x : j) {
      auto v = number_from_json(x);
      if (!v) throw ValueError(fmt::format("'{}' holds a non-number {}", key, json_excerpt(x)));
      list.push_back(*v);
    }
    return list;
  }
  throw ValueError(fmt::format("'{}' has an unsupported value {}", key, json_excerpt(j)));
}

std::vector<double> lr_list(const json& state, const char* key, size_t groups) {
  if (!state.contains(key) || !state[key].is_array()) {
    throw ValueError(fmt::format("the state has no \"{}\" list", key));
  }
  const json& a = state[key];
  if (a.size() != groups) {
    throw ValueError(fmt::format(
        "\"{}\" has {} values but the optimizer has {} parameter group{}; the state was saved "
        "for another optimizer",
        key, a.size(), groups, groups == 1 ? "" : "s"));
  }
  std::vector<double> out;
  for (const auto& x : a) {
    auto v = number_from_json(x);
    if (!v || !(*v >= 0) || std::isinf(*v)) {
      throw ValueError(fmt::format("\"{}\" holds {}; learning rates are finite numbers >= 0", key,
                                   json_excerpt(x)));
    }
    out.push_back(*v);
  }
  return out;
}

int64_t counter(const json& state, const char* key, int64_t lowest) {
  if (!state.contains(key) || !state[key].is_number_integer() ||
      state[key].get<int64_t>() < lowest) {
    throw ValueError(fmt::format("the state has no integer \"{}\" >= {} (got {})", key, lowest,
                                 state.contains(key) ? json_excerpt(state[key]) : "nothing"));
  }
  return state[key].get<int64_t>();
}

}  // namespace

/// The friend of LRScheduler that reads and writes its private counters, recursively.
struct SchedulerStateAccess {
  static json to_json(const LRScheduler& s) {
    json j{{"last_epoch", s.last_epoch_},
           {"step_count", s.step_count_},
           {"base_lrs", json::array()},
           {"last_lr", json::array()},
           {"options", map_json(s.options_map())},
           {"extra", map_json(s.extra_state())}};
    for (double x : s.base_lrs_) j["base_lrs"].push_back(number_json(x));
    for (double x : s.last_lr_) j["last_lr"].push_back(number_json(x));
    const auto parts = s.parts();
    if (!parts.empty()) {
      j["parts"] = json::array();
      for (const LRScheduler* p : parts) {
        json pj = to_json(*p);
        pj["name"] = p->name();
        j["parts"].push_back(std::move(pj));
      }
    }
    return j;
  }

  /// Checks (commit=false) or applies (commit=true) `state` to `s`; `where` names the part.
  static void from_json(LRScheduler& s, const json& state, const std::string& where, bool commit) {
    auto fail = [&](const std::string& why) -> ValueError {
      return ValueError(where.empty() ? why : fmt::format("{} ({}): {}", where, s.name(), why));
    };
    try {
      if (!state.is_object()) throw ValueError("the state is not a JSON object");
      const size_t groups = s.num_groups();
      auto base = lr_list(state, "base_lrs", groups);
      auto last = lr_list(state, "last_lr", groups);
      const int64_t last_epoch = counter(state, "last_epoch", -1);
      const int64_t step_count = counter(state, "step_count", 0);
      // Options: those of this scheduler, compared as JSON (exact for doubles).
      const json mine = map_json(s.options_map());
      const json saved = state.contains("options") ? state["options"] : json::object();
      if (saved != mine) {
        throw ValueError(fmt::format(
            "it was saved with options {} but this scheduler has {}; make it with the saved "
            "options before loading",
            json_excerpt(saved, 200), json_excerpt(mine, 200)));
      }
      OptionMap extra;
      if (state.contains("extra")) {
        if (!state["extra"].is_object()) throw ValueError("\"extra\" is not a JSON object");
        for (const auto& [key, v] : state["extra"].items()) extra.emplace(key, json_value(v, key));
      }
      s.load_extra_state(extra, commit);
      // Parts, by position and class.
      const auto parts = s.parts();
      const json no_parts = json::array();
      const json& saved_parts = state.contains("parts") ? state["parts"] : no_parts;
      if (!saved_parts.is_array() || saved_parts.size() != parts.size()) {
        throw ValueError(fmt::format("it has {} part scheduler(s) in the state; this one has {}",
                                     saved_parts.is_array() ? saved_parts.size() : 0,
                                     parts.size()));
      }
      for (size_t i = 0; i < parts.size(); ++i) {
        const json& pj = saved_parts[i];
        const std::string pname = pj.is_object() && pj.contains("name") && pj["name"].is_string()
                                      ? pj["name"].get<std::string>()
                                      : std::string("?");
        if (pname != parts[i]->name()) {
          throw ValueError(fmt::format("part {} is a {} in the state but a {} here", i, pname,
                                       parts[i]->name()));
        }
        // parts() hands out const pointers for saving; loading writes the same objects.
        from_json(const_cast<LRScheduler&>(*parts[i]), pj,
                  fmt::format("{}part {}", where.empty() ? "" : where + ", ", i), commit);
      }
      if (commit) {
        s.base_lrs_ = std::move(base);
        s.last_lr_ = std::move(last);
        s.last_epoch_ = last_epoch;
        s.step_count_ = step_count;
      }
    } catch (const ValueError& e) {
      if (!where.empty() && std::string(e.what()).rfind(where, 0) == 0) throw;
      throw fail(e.what());
    } catch (const json::exception& e) {
      throw fail(fmt::format("malformed state ({})", e.what()));
    }
  }
};

}  // namespace detail

SchedulerStateDict LRScheduler::state_dict() const {
  SchedulerStateDict sd;
  try {
    sd.metadata = {{"format", detail::kFormat},
                   {"scheduler", name()},
                   {"state", detail::SchedulerStateAccess::to_json(*this).dump()}};
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(
        fmt::format("{}::state_dict: the state cannot be written as JSON ({})", name(), e.what()));
  }
  return sd;
}

void LRScheduler::load_state_dict(const SchedulerStateDict& sd) {
  const std::string who = name() + "::load_state_dict";
  auto meta = [&](const char* key) -> const std::string& {
    auto it = sd.metadata.find(key);
    if (it == sd.metadata.end()) {
      throw ValueError(
          fmt::format("{}: the state has no \"{}\" entry (not written by a "
                      "scheduler's state_dict or save?)",
                      who, key));
    }
    return it->second;
  };
  if (meta("format") != detail::kFormat) {
    throw ValueError(fmt::format("{}: format \"{}\" is not \"{}\"{}", who, meta("format"),
                                 detail::kFormat,
                                 meta("format").rfind("xgrad.optimizer", 0) == 0
                                     ? " (this is an optimizer's state: load it into the optimizer)"
                                     : ""));
  }
  if (meta("scheduler") != name()) {
    throw ValueError(
        fmt::format("{}: the state is of a {} scheduler, not {}", who, meta("scheduler"), name()));
  }
  nlohmann::json state;
  std::string why;
  if (!parse_json_bounded(meta("state"), state, why)) {
    throw ValueError(fmt::format("{}: metadata \"state\" is {}", who, why));
  }
  check_groups("load_state_dict");
  try {
    detail::SchedulerStateAccess::from_json(*this, state, "", /*commit=*/false);
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("{}: {}", who, e.what()));
  }
  detail::SchedulerStateAccess::from_json(*this, state, "", /*commit=*/true);
  // The groups' lrs as they were when saved, so that a chainable scheduler continues from
  // them even if the optimizer's own state was not loaded.
  auto& groups = optimizer_->param_groups();
  for (size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(last_lr_[i]);
}

void LRScheduler::save(const std::string& path) const {
  const SchedulerStateDict sd = state_dict();
  save_tensors({}, path, sd.metadata);
}

void LRScheduler::load(const std::string& path) {
  SchedulerStateDict sd;
  (void)load_tensors(path, &sd.metadata);
  try {
    load_state_dict(sd);
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("{} (file {})", e.what(), path));
  }
}

}  // namespace xgrad::optim
