#pragma once
// Attrs: a small name -> value map for the non-tensor arguments of an op (a dimension, a
// slope, a shape), used by the op registry and by AutogradContext::saved_data. Few entries,
// so a vector with linear lookup beats a hash map.
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "shape.hpp"

namespace xgrad {

/// One attribute: a number, a flag, a shape or a string. Reads also as libtorch's IValue in
/// custom Functions: ctx->saved_data["constant"].toDouble().
struct AttrValue : std::variant<double, int64_t, bool, Shape, std::string> {
  using Base = std::variant<double, int64_t, bool, Shape, std::string>;
  using Base::Base;
  using Base::operator=;
  /// The number as double (an int64 converts); ValueError for a flag, shape or string.
  double toDouble() const;
  /// The number as int64 (a whole double converts); ValueError otherwise.
  int64_t toInt() const;
  bool toBool() const;
  const Shape& toIntVector() const;
  const std::string& toStringRef() const;
};

class Attrs {
 public:
  Attrs() = default;
  Attrs(std::initializer_list<std::pair<const std::string, AttrValue>> entries);

  /// The value stored under `name`, created (as 0.0) when absent.
  AttrValue& operator[](const std::string& name);
  bool contains(const std::string& name) const;
  /// The value under `name` as T; ValueError naming the attribute when missing or of another type.
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
