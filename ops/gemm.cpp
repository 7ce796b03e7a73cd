// Products through cblas directly: xtensor-blas's gemm derives leading dimensions from a
// contiguous container, so it cannot address the blocks a split product needs.
#include "ops/gemm.hpp"

#include <cblas.h>

#include <algorithm>

#include "core/parallel.hpp"

namespace xgrad::blas {
namespace {

template <class T>
void call_blas(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
               const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const auto opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, opa, opb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, opa, opb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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

}  // namespace

template <class T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  detail::initialise_threading();
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    // Blocks of rows of C: rows of op(A) are rows of A, or columns when A is transposed.
    const int64_t rows = block_length(m, flops);
    parallel_for(m, rows, [&](int64_t r0, int64_t r1) {
      const T* a_block = ta ? a + r0 : a + r0 * lda;
      call_blas(ta, tb, r1 - r0, n, k, alpha, a_block, lda, b, ldb, beta, c + r0 * ldc, ldc);
    });
  } else {
    // Blocks of columns of C: columns of op(B) are columns of B, or rows when B is transposed.
    const int64_t cols = block_length(n, flops);
    parallel_for(n, cols, [&](int64_t c0, int64_t c1) {
      const T* b_block = tb ? b + c0 * ldb : b + c0;
      call_blas(ta, tb, m, c1 - c0, k, alpha, a, lda, b_block, ldb, beta, c + c0, ldc);
    });
  }
}

template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                          const float*, int64_t, float, float*, int64_t);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                           const double*, int64_t, double, double*, int64_t);

}  // namespace xgrad::blas
