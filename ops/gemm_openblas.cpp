// The OpenBLAS GEMM engine (XGRAD_GEMM=openblas). OpenBLAS is kept single-threaded
// (ops/blas_threads.cpp: openblas_set_num_threads(1)); it has no bfloat16 product here, so
// autocast falls back to float32.
#include <cblas.h>

#include <xgrad/ops/detail/gemm_backend.hpp>

namespace xgrad::blas::backend {

const char* name() {
  return "openblas";
}

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void dgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
           int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool has_bf16() {
  return false;
}

void gemm_bf16(bool, bool, int64_t, int64_t, int64_t, float, const uint16_t*, int64_t,
               const uint16_t*, int64_t, float, float*, int64_t) {}

}  // namespace xgrad::blas::backend
