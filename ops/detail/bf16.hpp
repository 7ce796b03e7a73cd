#pragma once
// Internal: float32 <-> bfloat16 (the top 16 bits of a float32: same exponent range, 8 bits
// of mantissa), stored as raw uint16_t patterns.
#include <cstdint>

namespace xgrad::bf16 {

/// Rounds rows x cols floats (row stride ld) to bfloat16, round to nearest even, into dst
/// (row stride cols). NaN stays NaN.
void from_float(const float* src, int64_t rows, int64_t cols, int64_t ld, uint16_t* dst);

/// The float32 a bfloat16 pattern stands for (exact).
float to_float(uint16_t x);

}  // namespace xgrad::bf16
