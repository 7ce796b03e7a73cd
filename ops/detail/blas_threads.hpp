#pragma once
// BLAS threading control, beside the code that calls BLAS (ops/gemm.cpp, ops/cholesky.cpp).
// oneTBB owns the cores (core/parallel.hpp); OpenBLAS's own thread pool would fight it for
// them, so BLAS runs single-threaded inside TBB tasks.
namespace xgrad::blas {

/// Once per process, before the first BLAS or LAPACK call: OpenBLAS single-threaded, and a
/// warning on stderr when OpenBLAS chose its generic kernels on a CPU it could run faster.
void initialise_blas();

}  // namespace xgrad::blas
