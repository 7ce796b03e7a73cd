#pragma once
// Internal: the one place products call BLAS. Row-major, with leading dimensions, so a block
// of a matrix can be addressed in place; large products are split into blocks of rows (or
// columns) of C that run as TBB tasks, each a single-threaded BLAS call.
#include <cstdint>

namespace xgrad::blas {

/// C[m, n] = alpha op(A) op(B) + beta C, where op transposes when the flag is set;
/// lda, ldb, ldc are the row strides of A, B, C as stored. Requires m, n, k > 0.
template <class T>
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc);

/// Products smaller than this many flops (2 m n k) run as one BLAS call; larger ones are split
/// into blocks of about this size (measured: bench/grain_bench.cpp).
inline constexpr double kGemmBlockFlops = 4e6;
/// At most this many blocks: each block packs the other operand again (measured: 32 blocks
/// of a 1024^3 product on one thread cost 18% over one call; 4 blocks cost 3%).
inline constexpr int kGemmMaxBlocks = 4;

}  // namespace xgrad::blas
