#pragma once
// IntArrayRef: the argument type of sizes and dims, as libtorch's at::IntArrayRef, so that one
// size or dim can be written bare:  randn(3), x.sum(1)  as well as  randn({2, 3}), x.sum({0, 1}).
// Unlike libtorch's it owns its values (a Shape), so it never dangles.
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include <xgrad/core/shape.hpp>

namespace xgrad {

class IntArrayRef {
 public:
  /// No values: "all dims" for a reduction, a 0-d shape for creation.
  IntArrayRef() = default;
  /// One value: randn(3), sum(x, 1).
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  IntArrayRef(I value) : values_{static_cast<int64_t>(value)} {}
  IntArrayRef(std::initializer_list<int64_t> values) : values_(values) {}
  IntArrayRef(const Shape& values) : values_(values) {}
  IntArrayRef(Shape&& values) : values_(std::move(values)) {}

  operator const Shape&() const { return values_; }
  const Shape& vec() const { return values_; }
  std::size_t size() const { return values_.size(); }
  bool empty() const { return values_.empty(); }
  int64_t operator[](std::size_t i) const { return values_[i]; }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }

 private:
  Shape values_;
};

}  // namespace xgrad
