#pragma once
// Float-to-integer conversion that is defined for every input. In C++ a static_cast of NaN,
// an infinity or a value outside int64's range is undefined behaviour (on x86 it yields
// INT64_MIN); here it is a ValueError naming the function and the value.
#include <cmath>
#include <cstdint>
#include <string>

#include <xgrad/core/error.hpp>

namespace xgrad {

/// True when `v` is finite and its truncation toward zero fits in int64.
inline bool fits_int64(double v) {
  // 2^63 is exactly representable; every double below it (and >= -2^63) truncates in range.
  // NaN fails both comparisons.
  return v >= -9223372036854775808.0 && v < 9223372036854775808.0;
}

[[noreturn]] void throw_int64_range(double v, const char* fn);

/// `v` truncated toward zero as int64 (what static_cast does), or a ValueError naming `fn`.
///   Example: int64_t label = float_to_int64(3.0, "to");
inline int64_t float_to_int64(double v, const char* fn) {
  if (!fits_int64(v)) throw_int64_range(v, fn);
  return static_cast<int64_t>(v);
}

}  // namespace xgrad
