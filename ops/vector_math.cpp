#include <xgrad/ops/detail/vector_math.hpp>

// GCC 12 reports its own AVX-512 intrinsics (_mm512_undefined_epi32's deliberate
// self-initialisation, inlined into xsimd's ldexp) as maybe-uninitialized here: not our code.
// Pushed and popped at the end of the file, so a unity build's next file keeps the warning.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <xsimd/xsimd.hpp>

#include <algorithm>

namespace xgrad::vec {

void tanh(const float* a, float* out, int64_t n) {
  // The widest batch the build's target flags allow (AVX-512 with -march=native here, SSE2 in
  // a portable build).
  using Batch = xsimd::batch<float>;
  constexpr auto width = static_cast<int64_t>(Batch::size);
  int64_t i = 0;
  for (; i + width <= n; i += width)
    xsimd::tanh(Batch::load_unaligned(a + i)).store_unaligned(out + i);
  if (i < n) {
    // The tail through the same code, padded with zeros.
    alignas(Batch::arch_type::alignment()) float buffer[width] = {};
    std::copy(a + i, a + n, buffer);
    xsimd::tanh(Batch::load_aligned(buffer)).store_aligned(buffer);
    std::copy(buffer, buffer + (n - i), out + i);
  }
}

}  // namespace xgrad::vec

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
