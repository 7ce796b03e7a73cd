#include <xgrad/ops/detail/bf16.hpp>

#include <algorithm>
#include <cstring>

namespace xgrad::bf16 {

// Round to nearest even on the 16 bits dropped: add 0x7fff plus the lowest kept bit, then
// truncate. A NaN could carry into infinity that way, so it becomes the quiet NaN 0x7fc0.
// Written as a plain loop with a select so that GCC vectorises it.
namespace {
inline uint16_t round_to_bf16(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  const uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  return static_cast<uint16_t>((u & 0x7fffffffu) > 0x7f800000u ? 0x7fc0u : rounded);
}
}  // namespace

void from_float(const float* src, int64_t rows, int64_t cols, int64_t ld, uint16_t* dst) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* s = src + r * ld;
    uint16_t* d = dst + r * cols;
    for (int64_t c = 0; c < cols; ++c) d[c] = round_to_bf16(s[c]);
  }
}

float to_float(uint16_t x) {
  const uint32_t u = static_cast<uint32_t>(x) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace xgrad::bf16
