#pragma once
// Making tensors: from values, filled, ranges, random. Float32 unless options give a dtype;
// integer literals make int64 tensors as in libtorch (tensor({1, 2, 3}), arange(5)).
// Options are a DType or a TensorOptions: zeros({2, 2}, kFloat64),
// ones({2, 2}, requires_grad()), randn(3, dtype(kFloat64).requires_grad(true)).
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <type_traits>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// A value or a brace-nested list of them, for tensor({{1, 2}, {3, 4}}). Remembers whether
/// every value was written as an integer (then tensor() makes int64, as libtorch does). An
/// integer is kept as an int64, not a double, so that every int64 literal is exact (doubles
/// hold integers exactly only up to 2^53); an unsigned one above INT64_MAX, which no int64
/// holds, is kept as a double (an int64 tensor of it is a ValueError).
class NestedList {
 public:
  NestedList(double value) : value_(value), is_scalar_(true) {}
  NestedList(float value) : value_(value), is_scalar_(true) {}
  NestedList(int value) : NestedList(static_cast<long long>(value)) {}
  NestedList(long value) : NestedList(static_cast<long long>(value)) {}
  NestedList(long long value)
      : value_(static_cast<double>(value)),
        int_value_(value),
        is_scalar_(true),
        integral_(true),
        exact_int_(true) {}
  NestedList(unsigned value) : NestedList(static_cast<long long>(value)) {}
  NestedList(unsigned long value) : NestedList(static_cast<unsigned long long>(value)) {}
  NestedList(unsigned long long value)
      : value_(static_cast<double>(value)),
        int_value_(static_cast<int64_t>(value)),
        is_scalar_(true),
        integral_(true),
        exact_int_(value <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) {}
  NestedList(bool value)
      : value_(value), int_value_(value), is_scalar_(true), boolean_(true), exact_int_(true) {}
  NestedList(std::initializer_list<NestedList> items)
      : items_(items), integral_(true), boolean_(true) {
    for (const auto& i : items_) {
      integral_ = integral_ && i.integral_;
      boolean_ = boolean_ && i.boolean_;
    }
  }
  bool is_scalar() const { return is_scalar_; }
  /// The value as a double (rounded for an integer beyond 2^53).
  double value() const { return value_; }
  /// True when the value is an integer (or bool) that int64_value() holds exactly.
  bool holds_int64() const { return exact_int_; }
  /// The value of an integer (or bool) written as one; meaningful when holds_int64().
  int64_t int64_value() const { return int_value_; }
  const std::vector<NestedList>& items() const { return items_; }
  /// True when every value was written as an integer (int64 by default, as in libtorch).
  bool integral() const { return integral_; }
  /// True when every value was a bool (bool by default).
  bool boolean() const { return boolean_; }

 private:
  double value_ = 0;
  int64_t int_value_ = 0;
  bool is_scalar_ = false;
  std::vector<NestedList> items_;
  bool integral_ = false;
  bool boolean_ = false;
  bool exact_int_ = false;
};

/// From nested braces; the shape follows the nesting. ValueError when empty or ragged. The
/// dtype is the options' if given, else int64 when all values are integers, bool when all are
/// bools, else float32 (as libtorch).
///   auto t = xgrad::tensor({{1.0, 2.0}, {3.0, 4.0}});          // [2, 2] float32
///   auto labels = xgrad::tensor({0, 2, 1});                    // [3] int64
///   auto w = xgrad::tensor({1.0, 2.0}, xgrad::requires_grad()); // a leaf requiring grad
Tensor tensor(const NestedList& values, TensorOptions options = {});
/// From a flat list of values in row-major order and a shape.
Tensor tensor(const std::vector<double>& values, const Shape& shape, DType dtype = DType::Float32);
/// Int64 tensor from integers (labels, indices).
Tensor tensor(const std::vector<int64_t>& values, const Shape& shape);

Tensor zeros(IntArrayRef shape, TensorOptions options = {});
Tensor ones(IntArrayRef shape, TensorOptions options = {});
Tensor full(IntArrayRef shape, double value, TensorOptions options = {});
/// Uninitialised in libtorch; zero-filled here (the cost is small and reads are defined).
Tensor empty(IntArrayRef shape, TensorOptions options = {});
/// Same shape as t, t's dtype unless options give one.
Tensor zeros_like(const Tensor& t, TensorOptions options = {});
Tensor ones_like(const Tensor& t, TensorOptions options = {});
Tensor full_like(const Tensor& t, double value, TensorOptions options = {});
Tensor empty_like(const Tensor& t, TensorOptions options = {});
Tensor rand_like(const Tensor& t, TensorOptions options = {});
Tensor randn_like(const Tensor& t, TensorOptions options = {});
/// Values start, start+step, ... below end.  Example: arange(0.0, 1.0, 0.25) (float32)
Tensor arange(double start, double end, double step = 1, TensorOptions options = {});
Tensor arange(double start, double end, TensorOptions options);
Tensor arange(double end, TensorOptions options = {});
/// With integer arguments the result is int64, as in libtorch: arange(5) -> [0, 1, 2, 3, 4].
template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
Tensor arange(I end) {
  return arange(0.0, static_cast<double>(end), 1.0, TensorOptions(DType::Int64));
}
template <class I, class J,
          std::enable_if_t<std::is_integral_v<I> && std::is_integral_v<J>, int> = 0>
Tensor arange(I start, J end) {
  return arange(static_cast<double>(start), static_cast<double>(end), 1.0,
                TensorOptions(DType::Int64));
}
template <class I, class J, class K,
          std::enable_if_t<std::is_integral_v<I> && std::is_integral_v<J> && std::is_integral_v<K>,
                           int> = 0>
Tensor arange(I start, J end, K step) {
  return arange(static_cast<double>(start), static_cast<double>(end), static_cast<double>(step),
                TensorOptions(DType::Int64));
}
/// `steps` values evenly from start to end, both included.  Example: linspace(0, 1, 5)
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});
/// n x m identity (m = n when omitted).
Tensor eye(int64_t n, int64_t m = -1, TensorOptions options = {});
Tensor eye(int64_t n, TensorOptions options);
/// Uniform on [0, 1), from the global generator (manual_seed).
Tensor rand(IntArrayRef shape, TensorOptions options = {});
/// Standard normal, from the global generator.
Tensor randn(IntArrayRef shape, TensorOptions options = {});
/// Integers uniform on [low, high), int64 unless options say otherwise.
///   Example: randint(0, 10, {64})  (64 labels in 0..9)
Tensor randint(int64_t low, int64_t high, IntArrayRef shape, TensorOptions options = {});
Tensor randint(int64_t high, IntArrayRef shape, TensorOptions options = {});

/// A tensor with the data at `data` (shape `shape`, dtype from options, float32 by default).
/// Unlike libtorch's from_blob it COPIES the data (xgrad's storage always owns its memory),
/// so later writes to `data` are not seen by the tensor and the memory may be freed at once.
///   float buf[6] = {...};  auto t = xgrad::from_blob(buf, {2, 3});
Tensor from_blob(const void* data, IntArrayRef shape, TensorOptions options = {});

}  // namespace xgrad
