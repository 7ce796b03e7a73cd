#pragma once
// Element types. Float32 is the default; Float64 is for gradient checks and on request;
// Int64 holds labels and indices, Bool (1 byte) the results of comparisons; neither is ever
// differentiable.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace xgrad {

enum class DType { Float32, Float64, Int64, Bool };

inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kBool = DType::Bool;
// libtorch's spellings of the same dtypes.
inline constexpr DType kFloat = DType::Float32;
inline constexpr DType kDouble = DType::Float64;
inline constexpr DType kLong = DType::Int64;

/// "float32", "float64", "int64" or "bool".  Example: dtype_name(x.dtype())
const char* dtype_name(DType dtype);
/// Bytes per element.
std::size_t dtype_size(DType dtype);
/// True for Float32 and Float64.
inline bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64;
}
/// Prints the dtype's name, as libtorch prints "Float": std::cout << x.dtype() shows "float32".
std::ostream& operator<<(std::ostream& os, DType dtype);

/// The DType of a C++ element type: dtype_of<float>() == DType::Float32.
template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::Float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::Float64;
}
template <>
constexpr DType dtype_of<int64_t>() {
  return DType::Int64;
}
template <>
constexpr DType dtype_of<bool>() {
  return DType::Bool;
}

}  // namespace xgrad
