// Where splitting a loop across two threads starts to pay: the same loop body run serially
// and as two parallel_for chunks, for n from 2^10 to 2^20 elements. The grain sizes in
// core/parallel.hpp (kElementwiseGrain, kTranscendentalGrain) and the GEMM block size in
// ops/detail/gemm.hpp come from these crossovers on this machine.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
template <class Body>
void run_loop(benchmark::State& state, bool split, Body body) {
  const int64_t n = state.range(0);
  xg::set_num_threads(split ? 2 : 1);
  std::vector<float> a(n, 1.5f), b(n, 0.5f), out(n);
  for (auto _ : state) {
    xg::parallel_for(n, split ? (n + 1) / 2 : n, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) out[i] = body(a[i], b[i]);
    });
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
auto add = [](float x, float y) { return x + y; };
auto exponential = [](float x, float) { return std::exp(x); };
}  // namespace

static void BM_add_serial(benchmark::State& s) {
  run_loop(s, false, add);
}
static void BM_add_two_chunks(benchmark::State& s) {
  run_loop(s, true, add);
}
static void BM_exp_serial(benchmark::State& s) {
  run_loop(s, false, exponential);
}
static void BM_exp_two_chunks(benchmark::State& s) {
  run_loop(s, true, exponential);
}
BENCHMARK(BM_add_serial)->RangeMultiplier(4)->Range(1 << 10, 1 << 20);
BENCHMARK(BM_add_two_chunks)->RangeMultiplier(4)->Range(1 << 10, 1 << 20);
BENCHMARK(BM_exp_serial)->RangeMultiplier(4)->Range(1 << 10, 1 << 20);
BENCHMARK(BM_exp_two_chunks)->RangeMultiplier(4)->Range(1 << 10, 1 << 20);

// Square products with one and two threads: below kGemmBlockFlops one BLAS call does it all.
static void BM_matmul_square(benchmark::State& state) {
  const int64_t n = state.range(0);
  xg::set_num_threads(static_cast<int>(state.range(1)));
  xg::manual_seed(0);
  auto a = xg::randn({n, n}), b = xg::randn({n, n});
  for (auto _ : state) benchmark::DoNotOptimize(xg::matmul(a, b).data_ptr<float>());
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_matmul_square)->ArgsProduct({{64, 128, 256, 512}, {1, 2}})->UseRealTime();
