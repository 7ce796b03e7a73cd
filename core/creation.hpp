#pragma once
// Making tensors: from values, filled, ranges, random. Float32 unless a dtype is given.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "tensor.hpp"

namespace xgrad {

/// A value or a brace-nested list of them, for tensor({{1, 2}, {3, 4}}).
class NestedList {
 public:
  NestedList(double value) : value_(value), is_scalar_(true) {}
  NestedList(std::initializer_list<NestedList> items) : items_(items) {}
  bool is_scalar() const { return is_scalar_; }
  double value() const { return value_; }
  const std::vector<NestedList>& items() const { return items_; }

 private:
  double value_ = 0;
  bool is_scalar_ = false;
  std::vector<NestedList> items_;
};

/// From nested braces; the shape follows the nesting. ValueError when empty or ragged.
///   auto t = xgrad::tensor({{1.0, 2.0}, {3.0, 4.0}});          // [2, 2] float32
///   auto labels = xgrad::tensor({0, 2, 1}, xgrad::kInt64);
Tensor tensor(const NestedList& values, DType dtype = DType::Float32);
/// From a flat list of values in row-major order and a shape.
Tensor tensor(const std::vector<double>& values, const Shape& shape, DType dtype = DType::Float32);
/// Int64 tensor from integers (labels, indices).
Tensor tensor(const std::vector<int64_t>& values, const Shape& shape);

Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
Tensor ones(const Shape& shape, DType dtype = DType::Float32);
Tensor full(const Shape& shape, double value, DType dtype = DType::Float32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
/// Values start, start+step, ... below end.  Example: arange(0, 5) -> [0, 1, 2, 3, 4]
Tensor arange(double start, double end, double step = 1, DType dtype = DType::Float32);
Tensor arange(double end, DType dtype = DType::Float32);
/// n x m identity (m = n when omitted).
Tensor eye(int64_t n, int64_t m = -1, DType dtype = DType::Float32);
/// Uniform on [0, 1), from the global generator (manual_seed).
Tensor rand(const Shape& shape, DType dtype = DType::Float32);
/// Standard normal, from the global generator.
Tensor randn(const Shape& shape, DType dtype = DType::Float32);

}  // namespace xgrad
