// See ops/detail/blas_threads.hpp. Every build links OpenBLAS (xtensor-blas's LAPACK, and the GEMM
// engine when XGRAD_GEMM=openblas), so its controls exist with either GEMM backend.
#include <xgrad/ops/detail/blas_threads.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {
// OpenBLAS's own controls (declared here: cblas.h must stay out of files using xtensor-blas).
void openblas_set_num_threads(int num_threads);
char* openblas_get_corename(void);
}

namespace xgrad::blas {
namespace {

/// OpenBLAS 0.3.21 falls back to slow generic kernels on CPUs it does not know. Say so once.
void warn_about_generic_blas_kernels() {
  const char* core = openblas_get_corename();
  if (!core || std::getenv("OPENBLAS_CORETYPE")) return;
  const bool generic = std::strcmp(core, "Prescott") == 0 || std::strcmp(core, "Core2") == 0 ||
                       std::strcmp(core, "Nehalem") == 0 || std::strcmp(core, "Sandybridge") == 0;
  __builtin_cpu_init();
  const char* better = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                         : nullptr;
  if (generic && better) {
    std::fprintf(stderr,
                 "xgrad: OpenBLAS chose its generic '%s' kernels on a CPU with %s; matrix "
                 "products run several times slower. Set OPENBLAS_CORETYPE=%s to fix it.\n",
                 core, better[0] == 'S' ? "AVX-512" : "AVX2", better);
  }
}

}  // namespace

void initialise_blas() {
  // A function-local static: initialised once, thread-safely; later calls cost a load.
  static const bool initialised = [] {
    openblas_set_num_threads(1);
    warn_about_generic_blas_kernels();
    return true;
  }();
  (void)initialised;
}

}  // namespace xgrad::blas
