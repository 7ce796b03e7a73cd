// Products through the GEMM backend chosen at build time (ops/detail/gemm_backend.hpp), called
// with leading dimensions so that a block of a matrix is addressed in place: large products
// are split here into blocks that run as TBB tasks, each a single-threaded backend call.
#include <xgrad/ops/detail/gemm.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <vector>

#include <xgrad/core/autocast.hpp>
#include <xgrad/core/parallel.hpp>
#include <xgrad/ops/autocast.hpp>
#include <xgrad/ops/detail/bf16.hpp>
#include <xgrad/ops/detail/blas_threads.hpp>
#include <xgrad/ops/detail/gemm_backend.hpp>

namespace xgrad {

bool autocast_available(AutocastDType dtype) {
  return dtype == AutocastDType::None || (dtype == kBFloat16 && blas::backend::has_bf16());
}

const char* gemm_backend() {
  return blas::backend::name();
}

namespace blas {
namespace {

/// One single-threaded backend call.
template <class T>
void call_backend(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                  int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
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

/// The split into blocks of C.
template <class T>
void split_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    // Blocks of rows of C: rows of op(A) are rows of A, or columns when A is transposed.
    const int64_t rows = block_length(m, flops);
    parallel_for(m, rows, [&](int64_t r0, int64_t r1) {
      const T* a_block = ta ? a + r0 : a + r0 * lda;
      call_backend(ta, tb, r1 - r0, n, k, alpha, a_block, lda, b, ldb, beta, c + r0 * ldc, ldc);
    });
  } else {
    // Blocks of columns of C: columns of op(B) are columns of B, or rows when B is transposed.
    const int64_t cols = block_length(n, flops);
    parallel_for(n, cols, [&](int64_t c0, int64_t c1) {
      const T* b_block = tb ? b + c0 * ldb : b + c0;
      call_backend(ta, tb, m, c1 - c0, k, alpha, a, lda, b_block, ldb, beta, c + c0, ldc);
    });
  }
}

/// Rounds op(X) (X stored rows x cols, row stride ld; op transposes when `t`) to a dense
/// row-major bfloat16 matrix.
void op_to_bf16(bool t, const float* x, int64_t rows, int64_t cols, int64_t ld, uint16_t* dst) {
  if (t) {
    bf16::from_float_transposed(x, rows, cols, ld, dst);
  } else {
    bf16::from_float(x, rows, cols, ld, dst);
  }
}

/// The bfloat16 product: both operands rounded once and laid out plain row-major (op(A) as
/// [m, k], op(B) as [k, n]; for a split into column blocks, each block of op(B) a dense
/// [k, width] matrix of its own), because oneDNN's fast bf16 kernels (brgemm) take dense
/// untransposed operands and fall back to a slower GEMM for strided or transposed ones.
/// The same split as float32, fixed by the sizes.
void gemm_bf16_dense(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                     int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  std::vector<uint16_t> a16(static_cast<size_t>(m * k)), b16(static_cast<size_t>(k * n));
  op_to_bf16(ta, a, ta ? k : m, ta ? m : k, lda, a16.data());
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    op_to_bf16(tb, b, tb ? n : k, tb ? k : n, ldb, b16.data());
    parallel_for(m, block_length(m, flops), [&](int64_t r0, int64_t r1) {
      backend::gemm_bf16(false, false, r1 - r0, n, k, alpha, a16.data() + r0 * k, k, b16.data(), n,
                         beta, c + r0 * ldc, ldc);
    });
  } else {
    const int64_t cols = block_length(n, flops);
    parallel_for(n, cols, [&](int64_t c0, int64_t c1) {
      // op(B)[:, c0:c1]: columns c0..c1 of B, or rows c0..c1 of B transposed.
      uint16_t* block = b16.data() + k * c0;
      const float* source = tb ? b + c0 * ldb : b + c0;
      op_to_bf16(tb, source, tb ? c1 - c0 : k, tb ? k : c1 - c0, ldb, block);
      backend::gemm_bf16(false, false, m, c1 - c0, k, alpha, a16.data(), k, block, c1 - c0, beta,
                         c + c0, ldc);
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
  initialise_blas();
  if constexpr (std::is_same_v<T, float>) {
    if (use_bf16()) {
      gemm_bf16_dense(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
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
