#pragma once
// Internal: the GEMM engine behind ops/gemm.cpp, one of two chosen at build time
// (XGRAD_GEMM=onednn|openblas; ops/gemm_onednn.cpp or ops/gemm_openblas.cpp). Every call is
// single-threaded: ops/gemm.cpp splits large products into TBB tasks itself, so that TBB is
// the one scheduler on the cores and the split depends on the sizes only (determinism).
// Row-major throughout; lda, ldb, ldc are row strides as stored.
#include <cstdint>

namespace xgrad::blas::backend {

/// "onednn" or "openblas".
const char* name();

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void dgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
           int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

/// True when gemm_bf16 runs on bfloat16 hardware (oneDNN on a CPU with avx512_bf16 or AMX).
bool has_bf16();
/// C (float32) = alpha op(A) op(B) + beta C with A, B in bfloat16 (raw 16-bit patterns),
/// products accumulated in float32. Only when has_bf16().
void gemm_bf16(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const uint16_t* a,
               int64_t lda, const uint16_t* b, int64_t ldb, float beta, float* c, int64_t ldc);

}  // namespace xgrad::blas::backend
