// Products through the GEMM backend chosen at build time (ops/detail/gemm_backend.hpp), called
// with leading dimensions so that a block of a matrix is addressed in place: large products
// are split here into blocks that run as TBB tasks, each a single-threaded backend call.
#include <xgrad/ops/detail/gemm.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
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

/// The split into blocks of C, each block's epilogue right after its product.
template <class T>
void split_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const Epilogue<T>& epilogue) {
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    // Blocks of rows of C: rows of op(A) are rows of A, or columns when A is transposed.
    const int64_t rows = block_length(m, flops);
    parallel_for(m, rows, [&](int64_t r0, int64_t r1) {
      const T* a_block = ta ? a + r0 : a + r0 * lda;
      call_backend(ta, tb, r1 - r0, n, k, alpha, a_block, lda, b, ldb, beta, c + r0 * ldc, ldc);
      apply_epilogue(epilogue, c, ldc, r0, r1, int64_t{0}, n);
    });
  } else {
    // Blocks of columns of C: columns of op(B) are columns of B, or rows when B is transposed.
    const int64_t cols = block_length(n, flops);
    parallel_for(n, cols, [&](int64_t c0, int64_t c1) {
      const T* b_block = tb ? b + c0 * ldb : b + c0;
      call_backend(ta, tb, m, c1 - c0, k, alpha, a, lda, b_block, ldb, beta, c + c0, ldc);
      apply_epilogue(epilogue, c, ldc, int64_t{0}, m, c0, c1);
    });
  }
}

/// bf16::from_float over threads, in blocks of rows (the result does not depend on the split).
void round_rows(const float* x, int64_t rows, int64_t cols, int64_t ld, uint16_t* dst) {
  const int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(cols, 1));
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    bf16::from_float(x + r0 * ld, r1 - r0, cols, ld, dst + r0 * cols);
  });
}

/// Copies rows x cols 16-bit values (row stride ld) into a dense dst.
void copy_block(const uint16_t* src, int64_t rows, int64_t cols, int64_t ld, uint16_t* dst) {
  for (int64_t r = 0; r < rows; ++r) std::copy_n(src + r * ld, cols, dst + r * cols);
}

/// Stored columns c0..c0+w of a [rows, *] operand made dense [rows, w] in dst: copied from its
/// cached rounding `given` (row stride given_ld) when there is one, else rounded from x.
void dense_columns(const float* x, int64_t ld, const uint16_t* given, int64_t given_ld, int64_t c0,
                   int64_t rows, int64_t w, uint16_t* dst) {
  if (given) {
    copy_block(given + c0, rows, w, given_ld, dst);
  } else {
    bf16::from_float(x + c0, rows, w, ld, dst);
  }
}

/// The bfloat16 product. Each operand is rounded once, in its stored layout (no transposition:
/// oneDNN's brgemm kernels pack a transposed dense operand themselves, and a transposing
/// conversion costs five times a plain one, measured: 100 us against 21 us for 784 x 256),
/// or comes rounded already (`rounded`, autocast's weight cache). oneDNN runs its slower
/// gemm:jit instead of brgemm for an operand whose row stride is wider than its block, so
/// every block handed to it is dense: the split operand's blocks are slices of its rounded
/// copy when they are runs of stored rows (rows of C with A untransposed, columns of C with
/// B transposed), and are rounded (or copied from the cached rounding) block by block into
/// dense matrices of their own otherwise. The split itself is float32's, fixed by the sizes.
void gemm_bf16_dense(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                     int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc,
                     const Epilogue<float>& epilogue, const Bf16Operands& rounded) {
  // Stored shapes: A is [m, k], or [k, m] when transposed; B is [k, n], or [n, k].
  const int64_t a_rows = ta ? k : m, a_cols = ta ? m : k;
  const int64_t b_rows = tb ? n : k, b_cols = tb ? k : n;
  // This call's roundings, where not given: uninitialised (a vector's zero fill cost 3% of
  // a bf16 training step), every element written before it is read.
  std::unique_ptr<uint16_t[]> a16, b16;
  // The whole operand rounded (or given), dense in its stored layout.
  const auto whole = [](const float* x, int64_t rows, int64_t cols, int64_t ld,
                        const uint16_t* given, std::unique_ptr<uint16_t[]>& own) {
    if (given) return given;
    own.reset(new uint16_t[static_cast<size_t>(rows * cols)]);
    round_rows(x, rows, cols, ld, own.get());
    return static_cast<const uint16_t*>(own.get());
  };
  const double flops = 2.0 * m * n * k;
  if (m >= n) {
    const uint16_t* b_all = whole(b, b_rows, b_cols, ldb, rounded.b, b16);
    const uint16_t* a_all = ta ? nullptr : whole(a, a_rows, a_cols, lda, rounded.a, a16);
    if (ta) a16.reset(new uint16_t[static_cast<size_t>(m * k)]);
    parallel_for(m, block_length(m, flops), [&](int64_t r0, int64_t r1) {
      const int64_t h = r1 - r0;
      // op(A)[r0:r1, :]: stored rows r0..r1 of A (a slice), or stored columns r0..r1 of a
      // transposed A, made here into a dense [k, h] in this block's own region of a16.
      const uint16_t* block = a_all ? a_all + r0 * k : nullptr;
      if (ta) {
        uint16_t* own = a16.get() + r0 * k;
        dense_columns(a, lda, rounded.a, m, r0, k, h, own);
        block = own;
      }
      backend::gemm_bf16(ta, tb, h, n, k, alpha, block, ta ? h : k, b_all, b_cols, beta,
                         c + r0 * ldc, ldc);
      apply_epilogue(epilogue, c, ldc, r0, r1, int64_t{0}, n);
    });
  } else {
    const uint16_t* a_all = whole(a, a_rows, a_cols, lda, rounded.a, a16);
    const uint16_t* b_all = tb ? whole(b, b_rows, b_cols, ldb, rounded.b, b16) : nullptr;
    if (!tb) b16.reset(new uint16_t[static_cast<size_t>(k * n)]);
    parallel_for(n, block_length(n, flops), [&](int64_t c0, int64_t c1) {
      const int64_t w = c1 - c0;
      // op(B)[:, c0:c1]: stored rows c0..c1 of a transposed B (a slice), or stored columns
      // c0..c1 of B, made here into a dense [k, w] in this block's own region of b16.
      const uint16_t* block = b_all ? b_all + c0 * k : nullptr;
      if (!tb) {
        uint16_t* own = b16.get() + c0 * k;
        dense_columns(b, ldb, rounded.b, n, c0, k, w, own);
        block = own;
      }
      backend::gemm_bf16(ta, tb, m, w, k, alpha, a_all, a_cols, block, tb ? k : w, beta, c + c0,
                         ldc);
      apply_epilogue(epilogue, c, ldc, int64_t{0}, m, c0, c1);
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
void apply_epilogue(const Epilogue<T>& epilogue, T* c, int64_t ldc, int64_t r0, int64_t r1,
                    int64_t c0, int64_t c1) {
  if (epilogue.empty()) return;
  const int64_t width = c1 - c0;
  const T* bias = epilogue.bias ? epilogue.bias + c0 : nullptr;
  // Four loops, so that each is a plain loop GCC vectorises (no test inside).
  for (int64_t r = r0; r < r1; ++r) {
    T* row = c + r * ldc + c0;
    if (bias && epilogue.relu) {
      for (int64_t j = 0; j < width; ++j) {
        const T v = row[j] + bias[j];
        row[j] = v > T(0) ? v : T(0);
      }
    } else if (bias) {
      for (int64_t j = 0; j < width; ++j) row[j] += bias[j];
    } else {
      for (int64_t j = 0; j < width; ++j) row[j] = row[j] > T(0) ? row[j] : T(0);
    }
  }
}

template <class T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
          const T* b, int64_t ldb, T beta, T* c, int64_t ldc, const Epilogue<T>& epilogue,
          const Bf16Operands& rounded) {
  detail::initialise_threading();
  initialise_blas();
  if constexpr (std::is_same_v<T, float>) {
    if (use_bf16()) {
      gemm_bf16_dense(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue, rounded);
      return;
    }
  }
  split_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, epilogue);
}

template void gemm<float>(bool, bool, int64_t, int64_t, int64_t, float, const float*, int64_t,
                          const float*, int64_t, float, float*, int64_t, const Epilogue<float>&,
                          const Bf16Operands&);
template void gemm<double>(bool, bool, int64_t, int64_t, int64_t, double, const double*, int64_t,
                           const double*, int64_t, double, double*, int64_t,
                           const Epilogue<double>&, const Bf16Operands&);
template void apply_epilogue<float>(const Epilogue<float>&, float*, int64_t, int64_t, int64_t,
                                    int64_t, int64_t);
template void apply_epilogue<double>(const Epilogue<double>&, double*, int64_t, int64_t, int64_t,
                                     int64_t, int64_t);

}  // namespace blas
}  // namespace xgrad
