#pragma once
// Attrs: a small name -> value map for the non-tensor arguments of an op (a dimension, a
// slope, a shape), used by the op registry and by AutogradContext::saved_data. Few entries,
// so a vector with linear lookup beats a hash map. The values are the library's one Value
// (core/value.hpp), the type of optimizer options and search-space parameters too.
//
//   ops::call("sum", {x}, {{"dims", Shape{1}}, {"keepdim", true}});
//   ctx->saved_data["dim"] = dim;  ...  ctx->saved_data.get<int64_t>("dim")
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/core/shape.hpp>
#include <xgrad/core/value.hpp>

namespace xgrad {

/// An attribute's value: a double, an integer, a bool, a string or an integer list (a Shape).
using AttrValue = Value;

class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> entries);

  /// The value stored under `name`, created (as 0.0) when absent.
  AttrValue& operator[](const std::string& name);
  bool contains(const std::string& name) const;
  /// The value under `name` as T (double, int64_t, bool, Shape or std::string); ValueError
  /// naming the attribute when missing or of another type.
  template <class T>
  T get(const std::string& name) const;
  /// As get(), or `fallback` when the attribute is absent.
  template <class T>
  T get_or(const std::string& name, T fallback) const {
    return contains(name) ? get<T>(name) : fallback;
  }
  const std::vector<std::pair<std::string, AttrValue>>& entries() const { return entries_; }

 private:
  const AttrValue* find(const std::string& name) const;
  std::vector<std::pair<std::string, AttrValue>> entries_;
};

}  // namespace xgrad
