#pragma once
// A parameter's search range, as suggest_float / suggest_int / suggest_categorical declare it,
// and the two representations samplers work in:
//   internal value  the number stored for a trial: the float or integer itself, or for a
//                   categorical the index of the choice;
//   unit box        what the GP sees: one coordinate in [0, 1] per float or integer (log
//                   parameters in log space; integers as bins of equal width, so that every
//                   point of [0, 1] decodes to a valid integer), one one-hot block per
//                   categorical.
#include <cstdint>
#include <string>
#include <vector>

#include <xgrad/core/value.hpp>

namespace xgrad::tune {

struct Distribution {
  enum class Kind { Float, Int, Categorical };
  Kind kind = Kind::Float;
  double lo = 0, hi = 1;
  bool log = false;
  /// Grid spacing for Float (0: continuous) and Int (>= 1).
  double step = 0;
  std::vector<Value> choices;  // Categorical only

  static Distribution float_(const std::string& name, double lo, double hi, bool log, double step);
  static Distribution int_(const std::string& name, int64_t lo, int64_t hi, bool log, int64_t step);
  static Distribution categorical(const std::string& name, std::vector<Value> choices);

  bool operator==(const Distribution& o) const;
  bool operator!=(const Distribution& o) const { return !(*this == o); }

  /// Discrete: an Int, a Categorical or a Float with a step.
  bool discrete() const { return kind != Kind::Float || step > 0; }
  /// Number of values a discrete distribution takes (0 for a continuous float).
  int64_t size() const;
  /// The user-facing value of an internal value.
  Value to_value(double internal) const;
  /// The internal value of a user value; ValueError naming `name` when it is outside the range.
  double to_internal(const std::string& name, const Value& v) const;
  /// Nearest valid internal value (rounds integers and steps, clamps to the range).
  double snap(double internal) const;
  /// Coordinates in the unit box: 1 for Float and Int, the number of choices for Categorical.
  int64_t unit_dims() const;
  /// Writes the unit coordinates of `internal` to out[0 .. unit_dims()).
  void to_unit(double internal, double* out) const;
  /// The internal value of unit coordinates (any point of the box decodes to a valid value).
  double from_unit(const double* u) const;
  /// The k-th value of a discrete distribution, k in [0, size()).
  double grid_value(int64_t k) const;
  /// "float [1e-05, 0.1] log", for messages and the results table.
  std::string describe() const;
};

}  // namespace xgrad::tune
