// Per-op overhead: a chain of 1,000 elementwise ops on a 4-element tensor, forward and
// backward. Reported per op (items_per_second is ops per second; 1/that is time per op).
#include <benchmark/benchmark.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

static void BM_chain_1000_forward_backward(benchmark::State& state) {
  auto x = xg::tensor({1.0, 2.0, 3.0, 4.0}).requires_grad_();
  constexpr int kLinks = 500;  // each link is two ops: * and +
  for (auto _ : state) {
    auto y = x;
    for (int i = 0; i < kLinks; ++i) y = y * 1.0001 + 0.0001;
    y.sum().backward();
    benchmark::DoNotOptimize(x.grad().data_ptr<float>());
    x.zero_grad();
  }
  state.SetItemsProcessed(state.iterations() * 2 * kLinks);
  state.counters["ns_per_op"] = benchmark::Counter(
      2.0 * kLinks, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_chain_1000_forward_backward)->Unit(benchmark::kMicrosecond);
