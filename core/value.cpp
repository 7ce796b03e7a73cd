// Value accessors and formatting.
#include <xgrad/core/value.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include <xgrad/core/error.hpp>

namespace xgrad {
namespace {

// Shortest text that reads back to the same double (17 significant digits at most).
std::string number_str(double value) {
  for (int precision = 1; precision <= 17; ++precision) {
    std::string s = fmt::format("{:.{}g}", value, precision);
    if (std::strtod(s.c_str(), nullptr) == value) return s;
  }
  return fmt::format("{:.17g}", value);
}

}  // namespace

const char* Value::type_name() const {
  switch (type_) {
    case Type::Double:
      return "double";
    case Type::Int:
      return "int";
    case Type::Bool:
      return "bool";
    case Type::String:
      return "string";
    case Type::List:
      return "list";
    case Type::IntList:
      return "int list";
  }
  return "?";
}

std::string Value::to_string() const {
  switch (type_) {
    case Type::Double:
      return number_str(number_);
    case Type::Int:
      return std::to_string(integer_);
    case Type::Bool:
      return boolean_ ? "true" : "false";
    case Type::String:
      return "\"" + string_ + "\"";
    case Type::List: {
      std::string s = "[";
      for (std::size_t i = 0; i < list_.size(); ++i) {
        if (i) s += ", ";
        s += number_str(list_[i]);
      }
      return s + "]";
    }
    case Type::IntList: {
      std::string s = "[";
      for (std::size_t i = 0; i < int_list_.size(); ++i) {
        if (i) s += ", ";
        s += std::to_string(int_list_[i]);
      }
      return s + "]";
    }
  }
  return "?";
}

void Value::wrong_type(const std::string& key, const char* wanted) const {
  throw ValueError(
      fmt::format("option '{}': expected {}, got {} {}", key, wanted, type_name(), to_string()));
}

double Value::as_double(const std::string& key) const {
  if (type_ != Type::Double && type_ != Type::Int) wrong_type(key, "a number");
  return number_;
}

int64_t Value::as_int(const std::string& key) const {
  if (type_ == Type::Int) return integer_;
  // A whole double (10.0 from a JSON file or a search space) is accepted as an integer.
  if (type_ == Type::Double && std::isfinite(number_) && std::floor(number_) == number_ &&
      std::fabs(number_) < 9.0e15) {
    return static_cast<int64_t>(number_);
  }
  wrong_type(key, "an integer");
}

bool Value::as_bool(const std::string& key) const {
  if (type_ != Type::Bool) wrong_type(key, "a bool");
  return boolean_;
}

const std::string& Value::as_string(const std::string& key) const {
  if (type_ != Type::String) wrong_type(key, "a string");
  return string_;
}

std::pair<double, double> Value::as_pair(const std::string& key) const {
  if (type_ != Type::List || list_.size() != 2)
    wrong_type(key, "a pair of numbers like {0.9, 0.999}");
  return {list_[0], list_[1]};
}

const std::vector<double>& Value::as_list(const std::string& key) const {
  if (type_ != Type::List) wrong_type(key, "a list of numbers like {20, 50}");
  return list_;
}

std::vector<int64_t> Value::as_int_list(const std::string& key) const {
  if (type_ == Type::IntList) return int_list_;
  if (type_ == Type::List) {
    std::vector<int64_t> out;
    out.reserve(list_.size());
    for (double x : list_) {
      if (!std::isfinite(x) || std::floor(x) != x || std::fabs(x) >= 9.0e15) {
        wrong_type(key, "a list of integers like {0, 1}");
      }
      out.push_back(static_cast<int64_t>(x));
    }
    return out;
  }
  wrong_type(key, "a list of integers like {0, 1}");
}

bool Value::operator==(const Value& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::Double:
      return number_ == other.number_;
    case Type::Int:
      return integer_ == other.integer_;
    case Type::Bool:
      return boolean_ == other.boolean_;
    case Type::String:
      return string_ == other.string_;
    case Type::List:
      return list_ == other.list_;
    case Type::IntList:
      return int_list_ == other.int_list_;
  }
  return false;
}

std::string to_string(const ValueMap& values) {
  std::string s = "{";
  bool first = true;
  for (const auto& [key, value] : values) {
    if (!first) s += ", ";
    first = false;
    s += key + ": " + value.to_string();
  }
  return s + "}";
}

}  // namespace xgrad
