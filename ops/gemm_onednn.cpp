// The oneDNN GEMM engine (XGRAD_GEMM=onednn): dnnl_sgemm for float32 (JIT kernels for the CPU
// it finds, whatever OPENBLAS_CORETYPE says), the matmul primitive for bfloat16 operands with
// float32 output (autocast), OpenBLAS for float64 (oneDNN has no double GEMM).
//
// Debian's oneDNN runs on OpenMP. A call made from a TBB worker would start an OpenMP team of
// omp_get_max_threads() threads for that worker: two pools on two cores, and one team per
// worker. Each call therefore sets the calling thread's OpenMP thread count to 1 for its
// duration (a per-thread setting, restored after), and TBB alone runs products in parallel,
// in blocks fixed by the sizes (ops/gemm.cpp).
#include <cblas.h>
#include <omp.h>

#include <map>
#include <oneapi/dnnl/dnnl.hpp>
#include <tuple>

#include <xgrad/ops/detail/gemm_backend.hpp>

namespace xgrad::blas::backend {
namespace {

/// OpenMP single-threaded on this thread for the guard's lifetime.
class OneOpenMPThread {
 public:
  OneOpenMPThread() : previous_(omp_get_max_threads()) {
    if (previous_ != 1) omp_set_num_threads(1);
  }
  ~OneOpenMPThread() {
    if (previous_ != 1) omp_set_num_threads(previous_);
  }
  OneOpenMPThread(const OneOpenMPThread&) = delete;
  OneOpenMPThread& operator=(const OneOpenMPThread&) = delete;

 private:
  int previous_;
};

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

/// A bf16 matmul primitive for one shape, with its memory objects (their data handles are set
/// per call). Cached per thread: creating a primitive costs far more than a small product.
struct Bf16Matmul {
  dnnl::matmul primitive;
  dnnl::memory src, weights, dst;
};
using Key =
    std::tuple<bool, bool, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, float, float>;

Bf16Matmul make_matmul(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, int64_t lda,
                       int64_t ldb, float beta, int64_t ldc) {
  using dt = dnnl::memory::data_type;
  // Transposes are strides: op(A) [m, k] reads A (stored [k, m] when transposed) column-wise.
  const dnnl::memory::desc src({m, k}, dt::bf16,
                               ta ? dnnl::memory::dims{1, lda} : dnnl::memory::dims{lda, 1});
  const dnnl::memory::desc wei({k, n}, dt::bf16,
                               tb ? dnnl::memory::dims{1, ldb} : dnnl::memory::dims{ldb, 1});
  const dnnl::memory::desc dst({m, n}, dt::f32, dnnl::memory::dims{ldc, 1});
  dnnl::primitive_attr attr;
  if (alpha != 1.f) attr.set_output_scales(0, {alpha});
  if (beta != 0.f) {  // C = alpha A B + beta C: the sum post-op adds beta times the old C
    dnnl::post_ops ops;
    ops.append_sum(beta);
    attr.set_post_ops(ops);
  }
  const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), attr, cpu_engine());
  return {dnnl::matmul(pd), dnnl::memory(src, cpu_engine(), nullptr),
          dnnl::memory(wei, cpu_engine(), nullptr), dnnl::memory(dst, cpu_engine(), nullptr)};
}

}  // namespace

const char* name() {
  return "onednn";
}

void sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
           int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  // Tiny products through OpenBLAS (linked anyway, for float64): dnnl_sgemm costs about a
  // microsecond of set-up a call (an aligned scratch allocation, which also makes glibc
  // consolidate its fast bins, and kernel dispatch), most of a 32x32x32 product. perf on the
  // 10-32-32-1 MLP step: 28% of its samples in dnnl_sgemm; its CPU time 0.88x with this.
  if (2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) < 3e5) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
                k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  OneOpenMPThread one;
  dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void dgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
           int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

bool has_bf16() {
  // ISA flags accumulate (AMX implies avx512_core_bf16), so test the bits, not the order.
  static const bool available = [] {
    const auto isa = static_cast<unsigned>(dnnl::get_effective_cpu_isa());
    const auto bf16 = static_cast<unsigned>(dnnl::cpu_isa::avx512_core_bf16);
    return (isa & bf16) == bf16;
  }();
  return available;
}

void gemm_bf16(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const uint16_t* a,
               int64_t lda, const uint16_t* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  OneOpenMPThread one;
  thread_local std::map<Key, Bf16Matmul> cache;
  thread_local dnnl::stream stream(cpu_engine());
  const Key key{ta, tb, m, n, k, lda, ldb, ldc, alpha, beta};
  auto it = cache.find(key);
  if (it == cache.end() && cache.size() >= 256) cache.clear();  // bounded: shapes can vary freely
  if (it == cache.end())
    it = cache.emplace(key, make_matmul(ta, tb, m, n, k, alpha, lda, ldb, beta, ldc)).first;
  Bf16Matmul& mm = it->second;
  mm.src.set_data_handle(const_cast<uint16_t*>(a));
  mm.weights.set_data_handle(const_cast<uint16_t*>(b));
  mm.dst.set_data_handle(c);
  mm.primitive.execute(
      stream, {{DNNL_ARG_SRC, mm.src}, {DNNL_ARG_WEIGHTS, mm.weights}, {DNNL_ARG_DST, mm.dst}});
  stream.wait();
}

}  // namespace xgrad::blas::backend
