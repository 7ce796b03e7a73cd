// Products through the GEMM backend chosen at build time (ops/gemm_backend.hpp), called
// with leading dimensions so that a block of a matrix is addressed in place: large products
// are split here into blocks that run as TBB tasks, each a single-threaded backend call.
#include "ops/gemm.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

#include "core/autocast.hpp"
#include "core/parallel.hpp"
#include "ops/autocast.hpp"
#include "ops/bf16.hpp"
#include "ops/gemm_backend.hpp"

namespace xgrad {

bool autocast_available(AutocastDType dtype) {
  return dtype == AutocastDType::None || (dtype == kBFloat16 && blas::backend::has_bf16());
}

const char* gemm_backend() { return blas::backend::name(); }

namespace blas {
namespace {

/// One single-threaded backend call; S is the operands' element type (bfloat16 patterns for
/// autocast), T the output's.
template <class S, class T>
void call_backend(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const S* a,
                  int64_t lda, const S* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<S, uint16_t>) {
    backend::gemm_bf16(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else if constexpr (std::is_same_v<T, float>) {
    backend::sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    backend::dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}

/// Block length along a dimension of `size`: about kGemmBlockFlops per block, at most
/// kGemmMaxBlocks blocks (each block packs the other operand again), a multiple of 32, fixed
/// by the sizes alone (so results never depend on the thread count).
int64_t block_length(int64_t size, double flops) {
  const auto blocks = static_cast<int64_t>(
      std::min<double>({flops / kGemmBlockFlops, size / 32.0, double(kGemmMaxBlocks)}));
  if (blocks <= 1) return size;
  const int64_t length = (size + blocks - 1) / blocks;
  return (length + 31) / 32 * 32;
}

/// The split into blocks of C, for operands of element type S (float, double, or bfloat16
/// patterns) and output C of type T.
template <class S, class T>
void split_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const S* a,
                int64_t lda, const S* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    // Blocks of rows of C: rows of op(A) are rows of A, or columns when A is transposed.
    const int64_t rows = block_length(m, flops);
    parallel_for(m, rows, [&](int64_t r0, int64_t r1) {
      const S* a_block = ta ? a + r0 : a + r0 * lda;
      call_backend(ta, tb, r1 - r0, n, k, alpha, a_block, lda, b, ldb, beta, c + r0 * ldc, ldc);
    });
  } else {
    // Blocks of columns of C: columns of op(B) are columns of B, or rows when B is transposed.
    const int64_t cols = block_length(n, flops);
    parallel_for(n, cols, [&](int64_t c0, int64_t c1) {
      const S* b_block = tb ? b + c0 * ldb : b + c0;
      call_backend(ta, tb, m, c1 - c0, k, alpha, a, lda, b_block, ldb, beta, c + c0, ldc);
    });
  }
}

/// Autocast to bfloat16 is on for this product: the thread's state says so and the backend
/// can. Without the backend's support, say once that products stay float32.
bool use_bf16() {
  if (autocast_dtype() != kBFloat16) return false;
  if (backend::has_bf16()) return true;
  static std::atomic<bool> warned{false};
  if (!warned.exchange(true)) {
    std::fprintf(stderr,
                 "xgrad: autocast(bfloat16) computes in float32: the %s GEMM backend on this CPU "
                 "has no bfloat16 product (needs XGRAD_GEMM=onednn and avx512_bf16)\n",
                 backend::name());
  }
  return false;
}

}  // namespace

template <class T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  detail::initialise_threading();
  if constexpr (std::is_same_v<T, float>) {
    if (use_bf16()) {
      // Round each operand to bfloat16 once (contiguous: row stride = its column count), then
      // the same split as float32. Stored A is [k, m] when transposed, else [m, k]; B likewise.
      const int64_t a_rows = ta ? k : m, a_cols = ta ? m : k;
      const int64_t b_rows = tb ? n : k, b_cols = tb ? k : n;
      std::vector<uint16_t> a16(static_cast<size_t>(a_rows * a_cols));
      std::vector<uint16_t> b16(static_cast<size_t>(b_rows * b_cols));
      bf16::from_float(a, a_rows, a_cols, lda, a16.data());
      bf16::from_float(b, b_rows, b_cols, ldb, b16.data());
      split_gemm(ta, tb, m, n, k, alpha, a16.data(), a_cols, b16.data(), b_cols, beta, c, ldc);
      return;
    }
  }
  split_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                          const float*, int64_t, float, float*, int64_t);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                           const double*, int64_t, double, double*, int64_t);

}  // namespace blas
}  // namespace xgrad
