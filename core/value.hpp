#pragma once
// Value: the one value type for everything configured by name — optimizer, scheduler and
// regularizer options, op attributes, hyperparameter-search spaces and trial parameters. A
// small tagged value holding a number, an integer, a bool, a string, a list of numbers or a
// list of integers (a shape, the dims of a reduction: what op attributes need).
//
//   xgrad::ValueMap opts = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}, {"nesterov", true}};
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

namespace xgrad {

class Value {
 public:
  /// The kinds of value an option can hold.
  enum class Type { Double, Int, Bool, String, List, IntList };

  /// 0.0, so that `options["lr"] = 0.1;` works on an OptionMap.  Example: Value v;
  Value() : type_(Type::Double) {}
  /// A double.  Example: Value v = 1e-3;
  Value(double value) : type_(Type::Double), number_(value) {}
  /// An integer (kept apart from doubles so `as_int` can insist on one).
  ///   Example: Value v = 10;
  Value(int value) : type_(Type::Int), number_(value), integer_(value) {}
  /// An integer.  Example: Value v = int64_t{10};
  Value(long value) : type_(Type::Int), number_(static_cast<double>(value)), integer_(value) {}
  /// An integer.  Example: Value v = 10LL;
  Value(long long value) : type_(Type::Int), number_(static_cast<double>(value)), integer_(value) {}
  /// A bool.  Example: Value v = true;
  Value(bool value) : type_(Type::Bool), boolean_(value) {}
  /// A string.  Example: Value v = "strong_wolfe";
  Value(const char* value) : type_(Type::String), string_(value) {}
  /// A string.  Example: Value v = std::string("min");
  Value(std::string value) : type_(Type::String), string_(std::move(value)) {}
  /// A list of numbers (a pair such as betas, or a list such as milestones).
  ///   Example: Value v = {0.9, 0.99};
  Value(std::initializer_list<double> values) : type_(Type::List), list_(values) {}
  /// A list of numbers.  Example: Value v = std::vector<double>{20, 50};
  Value(std::vector<double> values) : type_(Type::List), list_(std::move(values)) {}
  /// A pair of numbers, stored as a two-element list.
  ///   Example: Value v = std::make_pair(0.9, 0.999);
  Value(std::pair<double, double> values) : type_(Type::List), list_{values.first, values.second} {}
  /// A list of integers: a shape, dims, milestones.  Example: Value v = Shape{2, 3};
  Value(std::vector<int64_t> values) : type_(Type::IntList), int_list_(std::move(values)) {}

  /// What this value holds.  Example: if (v.type() == Value::Type::Bool) ...
  Type type() const { return type_; }
  /// "double", "int", "bool", "string", "list" or "int list", for messages.
  ///   Example: v.type_name()
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
  /// A list of integers: an int list, or a list of numbers that are all whole (as read from
  /// a configuration file); ValueError otherwise.  Example: Shape dims = v.as_int_list("dims");
  std::vector<int64_t> as_int_list(const std::string& key) const;

  /// libtorch's IValue spellings, so a custom Function's
  /// `ctx->saved_data["constant"].toDouble()` reads as it does there; each is the as_* accessor
  /// above (same checks, the key in messages is "saved value").
  double toDouble() const { return as_double("saved value"); }
  int64_t toInt() const { return as_int("saved value"); }
  bool toBool() const { return as_bool("saved value"); }
  std::vector<int64_t> toIntVector() const { return as_int_list("saved value"); }
  const std::string& toStringRef() const { return as_string("saved value"); }

  /// Same type and value.  Example: v == Value(1e-3)
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  [[noreturn]] void wrong_type(const std::string& key, const char* wanted) const;

  Type type_;
  double number_ = 0;
  int64_t integer_ = 0;
  bool boolean_ = false;
  std::string string_;
  std::vector<double> list_;
  std::vector<int64_t> int_list_;
};

/// Values by name.  Example: ValueMap m = {{"lr", 1e-3}, {"betas", {0.9, 0.99}}};
using ValueMap = std::map<std::string, Value>;

/// `{lr: 0.001, betas: [0.9, 0.99]}`, for messages and logs.
///   Example: std::cout << to_string(values);
std::string to_string(const ValueMap& values);

}  // namespace xgrad
