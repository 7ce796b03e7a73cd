#include <xgrad/tune/report.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <xgrad/core/file_io.hpp>
#include <xgrad/tune/detail/trial_json.hpp>
#include <xgrad/tune/pruner.hpp>

namespace xgrad::tune {
namespace {

std::set<std::string> param_names(const std::vector<FrozenTrial>& trials) {
  std::set<std::string> names;
  for (const auto& t : trials)
    for (const auto& [name, p] : t.params) names.insert(name);
  return names;
}

std::string cell(const Value& v) {
  if (v.type() == Value::Type::Double) return fmt::format("{:.6g}", v.as_double(""));
  return v.type() == Value::Type::String ? v.as_string("") : v.to_string();
}

// RFC 4180: quote a field holding a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_text(const std::string& path, const std::string& text, const char* fn) {
  write_file_atomic(
      path, [&](int fd) { return write_all(fd, text.data(), text.size()); }, fn);
}

}  // namespace

std::string results_table(const Study& study, size_t max_rows) {
  auto trials = study.trials();
  const auto names = param_names(trials);
  int64_t best = -1;
  try {
    best = study.best_trial().number;
  } catch (const ValueError&) {
  }
  if (trials.size() > max_rows) {  // keep the best rows
    const auto dir = study.direction();
    std::stable_sort(trials.begin(), trials.end(), [&](const FrozenTrial& a, const FrozenTrial& b) {
      const bool ca = a.state == TrialState::Complete, cb = b.state == TrialState::Complete;
      if (ca != cb) return ca;
      return ca && better(a.value, b.value, dir);
    });
    trials.resize(max_rows);
    std::sort(trials.begin(), trials.end(),
              [](const FrozenTrial& a, const FrozenTrial& b) { return a.number < b.number; });
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"trial", "state", "value"};
  head.insert(head.end(), names.begin(), names.end());
  rows.push_back(head);
  for (const auto& t : trials) {
    std::vector<std::string> r = {fmt::format("{}{}", t.number, t.number == best ? "*" : ""),
                                  to_string(t.state),
                                  std::isnan(t.value) ? "-" : fmt::format("{:.6g}", t.value)};
    const auto values = t.values();
    for (const auto& n : names) r.push_back(values.count(n) ? cell(values.at(n)) : "-");
    rows.push_back(r);
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::string out;
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) out += fmt::format("{:<{}}  ", r[c], width[c]);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  }
  return out;
}

void write_trials_csv(const Study& study, const std::string& path) {
  const auto trials = study.trials();
  const auto names = param_names(trials);
  std::string text = "number,state,value,duration_s";
  for (const auto& n : names) text += "," + csv_field(n);
  text += ",message\n";
  for (const auto& t : trials) {
    text += fmt::format("{},{},{},{}", t.number, to_string(t.state),
                        std::isnan(t.value) ? "" : fmt::format("{:.17g}", t.value),
                        t.end_time > 0 ? fmt::format("{:.3f}", t.end_time - t.start_time) : "");
    const auto values = t.values();
    for (const auto& n : names) {
      text += ",";
      if (values.count(n)) {
        const auto& v = values.at(n);
        text += csv_field(v.type() == Value::Type::String   ? v.as_string(n)
                          : v.type() == Value::Type::Double ? fmt::format("{:.17g}", v.as_double(n))
                                                            : v.to_string());
      }
    }
    text += "," + csv_field(t.message) + "\n";
  }
  write_text(path, text, "write_trials_csv");
}

void write_trials_json(const Study& study, const std::string& path) {
  std::string text = fmt::format("{{\"study\": {}, \"direction\": \"{}\", \"trials\": [\n",
                                 value_to_json(Value(study.name())), to_string(study.direction()));
  const auto trials = study.trials();
  for (size_t i = 0; i < trials.size(); ++i)
    text += trial_to_json(trials[i]) + (i + 1 < trials.size() ? ",\n" : "\n");
  text += "]}\n";
  write_text(path, text, "write_trials_json");
}

}  // namespace xgrad::tune
