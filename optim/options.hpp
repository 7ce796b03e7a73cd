#pragma once
// Option values for name-keyed construction (registries, configuration files, command lines,
// hyperparameter search): a small tagged value holding a number, a bool, a string or a list
// of numbers, and the map of them keyed by option name.
//
//   xgrad::optim::OptionMap opts = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}, {"nesterov", true}};
//   double lr = opts.at("lr").as_double("lr");
//
// Accessors check the type and throw xgrad::ValueError naming the key and the actual type,
// so a wrong entry in a configuration file is reported where it is read.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace xgrad::optim {

class OptionValue {
 public:
  /// The kinds of value an option can hold.
  enum class Type { Double, Int, Bool, String, List };

  /// 0.0, so that `options["lr"] = 0.1;` works on an OptionMap.  Example: OptionValue v;
  OptionValue() : type_(Type::Double) {}
  /// A double.  Example: OptionValue v = 1e-3;
  OptionValue(double value) : type_(Type::Double), number_(value) {}
  /// An integer (kept apart from doubles so `as_int` can insist on one).
  ///   Example: OptionValue v = 10;
  OptionValue(int value) : type_(Type::Int), number_(value), integer_(value) {}
  /// An integer.  Example: OptionValue v = int64_t{10};
  OptionValue(long value)
      : type_(Type::Int), number_(static_cast<double>(value)), integer_(value) {}
  /// An integer.  Example: OptionValue v = 10LL;
  OptionValue(long long value)
      : type_(Type::Int), number_(static_cast<double>(value)), integer_(value) {}
  /// A bool.  Example: OptionValue v = true;
  OptionValue(bool value) : type_(Type::Bool), boolean_(value) {}
  /// A string.  Example: OptionValue v = "strong_wolfe";
  OptionValue(const char* value) : type_(Type::String), string_(value) {}
  /// A string.  Example: OptionValue v = std::string("min");
  OptionValue(std::string value) : type_(Type::String), string_(std::move(value)) {}
  /// A list of numbers (a pair such as betas, or a list such as milestones).
  ///   Example: OptionValue v = {0.9, 0.99};
  OptionValue(std::initializer_list<double> values) : type_(Type::List), list_(values) {}
  /// A list of numbers.  Example: OptionValue v = std::vector<double>{20, 50};
  OptionValue(std::vector<double> values) : type_(Type::List), list_(std::move(values)) {}
  /// A pair of numbers, stored as a two-element list.
  ///   Example: OptionValue v = std::make_pair(0.9, 0.999);
  OptionValue(std::pair<double, double> values)
      : type_(Type::List), list_{values.first, values.second} {}

  /// What this value holds.  Example: if (v.type() == OptionValue::Type::Bool) ...
  Type type() const { return type_; }
  /// "double", "int", "bool", "string" or "list", for messages.  Example: v.type_name()
  const char* type_name() const;
  /// The value written as in a configuration file (0.001, true, "min", [0.9, 0.99]).
  ///   Example: v.to_string()
  std::string to_string() const;

  /// A number (a double or an int); ValueError naming `key` otherwise.  Example: v.as_double("lr")
  double as_double(const std::string& key) const;
  /// An integer (an int, or a double with an integral value); ValueError otherwise.
  ///   Example: v.as_int("max_iter")
  int64_t as_int(const std::string& key) const;
  /// A bool; ValueError otherwise.  Example: v.as_bool("nesterov")
  bool as_bool(const std::string& key) const;
  /// A string; ValueError otherwise.  Example: v.as_string("mode")
  const std::string& as_string(const std::string& key) const;
  /// A list of exactly two numbers; ValueError otherwise.
  ///   Example: auto [b1, b2] = v.as_pair("betas");
  std::pair<double, double> as_pair(const std::string& key) const;
  /// A list of numbers; ValueError otherwise.  Example: v.as_list("milestones")
  const std::vector<double>& as_list(const std::string& key) const;

  /// Same type and value.  Example: v == OptionValue(1e-3)
  bool operator==(const OptionValue& other) const;
  bool operator!=(const OptionValue& other) const { return !(*this == other); }

 private:
  [[noreturn]] void wrong_type(const std::string& key, const char* wanted) const;

  Type type_;
  double number_ = 0;
  int64_t integer_ = 0;
  bool boolean_ = false;
  std::string string_;
  std::vector<double> list_;
};

/// Options by name.  Example: OptionMap m = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}};
using OptionMap = std::map<std::string, OptionValue>;

/// Throws ValueError("<who>: unknown option 'x'; valid options: a, b, c") unless every key of
/// `options` is in `valid`.  Example: check_option_keys(opts, {"lr", "momentum"}, "sgd");
void check_option_keys(const OptionMap& options, const std::vector<std::string>& valid,
                       const std::string& who);

/// `{lr: 0.001, betas: [0.9, 0.99]}`, for messages and logs.
///   Example: std::cout << to_string(opts);
std::string to_string(const OptionMap& options);

}  // namespace xgrad::optim
