#include <xgrad/tune/distribution.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/error.hpp>

namespace xgrad::tune {
namespace {

// Integers (and stepped floats) as m = size() bins of width 1/m: value k sits at the bin's
// centre (k + 0.5) / m. Log integers use bins equal in log space between lo - 0.5 and hi + 0.5.
double log_edge_lo(const Distribution& d) {
  return std::log(d.lo - 0.5 * d.step);
}
double log_edge_hi(const Distribution& d) {
  return std::log(d.hi + 0.5 * d.step);
}

}  // namespace

Distribution Distribution::float_(const std::string& name, double lo, double hi, bool log,
                                  double step) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi) {
    throw ValueError(fmt::format("suggest_float('{}'): needs finite lo <= hi, got lo {} and hi {}",
                                 name, lo, hi));
  }
  if (log && lo <= 0) {
    throw ValueError(
        fmt::format("suggest_float('{}'): a log-scale range needs lo > 0, got lo {}", name, lo));
  }
  if (step < 0 || !std::isfinite(step) || (log && step > 0)) {
    throw ValueError(fmt::format(
        "suggest_float('{}'): step must be >= 0 and finite, and cannot be combined with log "
        "(got step {}, log {})",
        name, step, log));
  }
  Distribution d;
  d.kind = Kind::Float;
  d.lo = lo;
  d.hi = step > 0 ? lo + std::floor((hi - lo) / step + 1e-9) * step : hi;
  d.log = log;
  d.step = step;
  return d;
}

Distribution Distribution::int_(const std::string& name, int64_t lo, int64_t hi, bool log,
                                int64_t step) {
  if (lo > hi || step < 1 || (log && (lo < 1 || step != 1))) {
    throw ValueError(fmt::format(
        "suggest_int('{}'): needs lo <= hi and step >= 1, and for log scale lo >= 1 and step 1 "
        "(got lo {}, hi {}, step {}, log {})",
        name, lo, hi, step, log));
  }
  Distribution d;
  d.kind = Kind::Int;
  d.lo = double(lo);
  d.hi = double(lo + (hi - lo) / step * step);
  d.log = log;
  d.step = double(step);
  return d;
}

Distribution Distribution::categorical(const std::string& name, std::vector<Value> choices) {
  if (choices.empty()) {
    throw ValueError(fmt::format("suggest_categorical('{}'): needs at least one choice", name));
  }
  for (size_t i = 0; i < choices.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (choices[i] == choices[j]) {
        throw ValueError(fmt::format("suggest_categorical('{}'): choice {} appears twice", name,
                                     choices[i].to_string()));
      }
  Distribution d;
  d.kind = Kind::Categorical;
  d.lo = 0;
  d.hi = double(choices.size() - 1);
  d.step = 1;
  d.choices = std::move(choices);
  return d;
}

bool Distribution::operator==(const Distribution& o) const {
  return kind == o.kind && lo == o.lo && hi == o.hi && log == o.log && step == o.step &&
         choices == o.choices;
}

int64_t Distribution::size() const {
  if (!discrete()) return 0;
  return int64_t(std::llround((hi - lo) / step)) + 1;
}

Value Distribution::to_value(double internal) const {
  switch (kind) {
    case Kind::Float:
      return Value(internal);
    case Kind::Int:
      return Value(int64_t(std::llround(internal)));
    case Kind::Categorical:
      return choices.at(size_t(std::llround(internal)));
  }
  return Value();
}

double Distribution::to_internal(const std::string& name, const Value& v) const {
  if (kind == Kind::Categorical) {
    for (size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == v) return double(i);
    throw ValueError(fmt::format("parameter '{}': {} is not one of its choices ({})", name,
                                 v.to_string(), describe()));
  }
  const double x = kind == Kind::Int ? double(v.as_int(name)) : v.as_double(name);
  if (!(x >= lo - 1e-12 * std::abs(lo) && x <= hi + 1e-12 * std::abs(hi))) {
    throw ValueError(fmt::format("parameter '{}': {} is outside its range ({})", name,
                                 v.to_string(), describe()));
  }
  return snap(x);
}

double Distribution::snap(double x) const {
  if (std::isnan(x)) x = lo;
  x = std::clamp(x, lo, hi);
  if (discrete()) x = std::clamp(lo + std::round((x - lo) / step) * step, lo, hi);
  return x;
}

int64_t Distribution::unit_dims() const {
  return kind == Kind::Categorical ? int64_t(choices.size()) : 1;
}

void Distribution::to_unit(double internal, double* out) const {
  if (kind == Kind::Categorical) {
    for (int64_t i = 0; i < unit_dims(); ++i) out[i] = i == std::llround(internal) ? 1.0 : 0.0;
    return;
  }
  if (hi == lo) {
    out[0] = 0.5;
  } else if (discrete()) {
    if (log) {
      out[0] =
          (std::log(internal) - log_edge_lo(*this)) / (log_edge_hi(*this) - log_edge_lo(*this));
    } else {
      out[0] = (std::round((internal - lo) / step) + 0.5) / double(size());
    }
  } else {
    out[0] = log ? (std::log(internal) - std::log(lo)) / (std::log(hi) - std::log(lo))
                 : (internal - lo) / (hi - lo);
  }
}

double Distribution::from_unit(const double* u) const {
  if (kind == Kind::Categorical) {
    return double(std::max_element(u, u + unit_dims()) - u);  // the largest coordinate wins
  }
  const double t = std::clamp(u[0], 0.0, 1.0);
  if (discrete()) {
    if (log)
      return snap(std::exp(log_edge_lo(*this) + t * (log_edge_hi(*this) - log_edge_lo(*this))));
    return grid_value(std::min<int64_t>(int64_t(t * double(size())), size() - 1));
  }
  return log ? std::clamp(std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))), lo, hi)
             : lo + t * (hi - lo);
}

double Distribution::grid_value(int64_t k) const {
  return std::min(lo + double(k) * step, hi);
}

std::string Distribution::describe() const {
  if (kind == Kind::Categorical) {
    std::string s = "categorical {";
    for (size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : "") + choices[i].to_string();
    return s + "}";
  }
  std::string s = fmt::format("{} [{}, {}]", kind == Kind::Int ? "int" : "float", lo, hi);
  if (log) s += " log";
  if (step > 0 && !(kind == Kind::Int && step == 1)) s += fmt::format(" step {}", step);
  return s;
}

}  // namespace xgrad::tune
