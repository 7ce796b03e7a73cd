#pragma once
// Internal: the one place products call BLAS. Row-major, with leading dimensions, so a block
// of a matrix can be addressed in place; large products are split into blocks of rows (or
// columns) of C that run as TBB tasks, each a single-threaded BLAS call.
#include <cstdint>

namespace xgrad::blas {

/// What the product does to each finished block of C right after computing it, while the
/// block is still in cache: C[i, j] += bias[j] when bias is set, then C = max(C, 0) when relu
/// is (NaN gives 0, as xgrad::relu). The blocks are fixed by the sizes alone (see the split
/// below), so the result does not depend on the thread count. linear and linear_relu use it
/// (ops/linalg.cpp).
template <class T>
struct Epilogue {
  const T* bias = nullptr;  ///< one value per column of C, or none
  bool relu = false;
  bool empty() const { return bias == nullptr && !relu; }
};

/// Operands already rounded to bfloat16 for a product under autocast (autocast's weight
/// cache, ops/detail/weight_cache.hpp): each null, or the stored matrix (A as [m, k], or
/// [k, m] when transposed; B likewise) rounded, dense (row stride = its stored width).
/// Ignored when the product does not run in bfloat16.
struct Bf16Operands {
  const uint16_t* a = nullptr;
  const uint16_t* b = nullptr;
};

/// C[m, n] = alpha op(A) op(B) + beta C, where op transposes when the flag is set;
/// lda, ldb, ldc are the row strides of A, B, C as stored; then the epilogue, block by block.
/// Requires m, n, k > 0.
template <class T>
void gemm(bool transpose_a, bool transpose_b, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
          int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc,
          const Epilogue<T>& epilogue = {}, const Bf16Operands& rounded = {});

/// The epilogue alone on rows r0..r1 and columns c0..c1 of C (row stride ldc).
template <class T>
void apply_epilogue(const Epilogue<T>& epilogue, T* c, int64_t ldc, int64_t r0, int64_t r1,
                    int64_t c0, int64_t c1);

/// Products smaller than this many flops (2 m n k) run as one BLAS call; larger ones are split
/// into blocks of about this size (measured: bench/grain_bench.cpp).
inline constexpr double kGemmBlockFlops = 4e6;
/// At most this many blocks: each block packs the other operand again (measured: 32 blocks
/// of a 1024^3 product on one thread cost 18% over one call; 4 blocks cost 3%).
inline constexpr int kGemmMaxBlocks = 4;

}  // namespace xgrad::blas
