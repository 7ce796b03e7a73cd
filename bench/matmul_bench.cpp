// A float32 1024 x 1024 matmul through xgrad next to a direct cblas_sgemm on the same data:
// the framework's cost on a large product is the difference.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

constexpr int64_t kN = 1024;

static void BM_matmul_1024_xgrad(benchmark::State& state) {
  xg::manual_seed(0);
  auto a = xg::randn({kN, kN}), b = xg::randn({kN, kN});
  for (auto _ : state) benchmark::DoNotOptimize(xg::matmul(a, b).data_ptr<float>());
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * kN * kN * kN, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matmul_1024_xgrad)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_matmul_1024_cblas(benchmark::State& state) {
  xg::manual_seed(0);
  auto a = xg::randn({kN, kN}), b = xg::randn({kN, kN}), c = xg::zeros({kN, kN});
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kN, kN, kN, 1.0f, a.data_ptr<float>(),
                kN, b.data_ptr<float>(), kN, 0.0f, c.data_ptr<float>(), kN);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * kN * kN * kN, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matmul_1024_cblas)->Unit(benchmark::kMillisecond)->UseRealTime();
