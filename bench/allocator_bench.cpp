// Tensor storage allocation: create a float32 tensor of N elements, write one element per page,
// drop it. With the caching allocator (default) the block comes back from the cache; with
// XGRAD_CACHE_LIMIT=0 it comes from malloc each time (for large N: mmap and page faults).
// Compare: ./xgrad_bench --benchmark_filter=BM_tensor_alloc  vs  XGRAD_CACHE_LIMIT=0 ...
#include <benchmark/benchmark.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

static void BM_tensor_alloc_free(benchmark::State& state) {
  const int64_t n = state.range(0);
  for (auto _ : state) {
    auto t = xg::empty({n});
    float* p = t.data_ptr<float>();
    for (int64_t i = 0; i < n; i += 1024) p[i] = 1.0f;  // touch every 4 KiB page
    benchmark::DoNotOptimize(p);
  }
  state.counters["cache_hits"] = static_cast<double>(xg::allocator_stats().hits);
}
// 32 K (128 KiB: an activation of the MLP step), 200 K (800 KB: its first weight), 1 M (4 MB).
BENCHMARK(BM_tensor_alloc_free)->Arg(32 << 10)->Arg(200 << 10)->Arg(1 << 20);
