// What insight::GradientMonitor costs: a Fashion-MNIST training step (MLP 784-256-128-10, ReLU,
// dropout 0.1, batch 128, AdamW: the main example) with and without a monitor sampling every
// 10 steps. BM_monitor_overhead interleaves blocks of 20 plain and 20 monitored steps on two
// identical models, so both see the same machine noise, and reports their ratio (target < 1.05).
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace nn = xgrad::nn;

namespace {

struct Trainer {
  nn::MLP model{{784, 256, 128, 10}, nn::MLPOptions().activation("relu").dropout(0.1)};
  xg::optim::AdamW opt{model.parameters(), xg::optim::AdamWOptions(1e-3)};
  std::unique_ptr<xg::insight::GradientMonitor> monitor;
  xg::Tensor x = xg::rand({128, 784});
  xg::Tensor y = xg::argmax(xg::randn({128, 10}), 1);

  /// every = 0: no monitor.
  explicit Trainer(int64_t every) {
    if (every > 0)
      monitor = std::make_unique<xg::insight::GradientMonitor>(
          model, xg::insight::MonitorOptions().every(every));
  }
  void step() {
    opt.zero_grad();
    xg::cross_entropy(model(x), y).backward();
    opt.step();
    if (monitor) monitor->step();
  }
};

void BM_fashion_mnist_step(benchmark::State& state) {
  xg::manual_seed(0);
  Trainer t(state.range(0));
  for (int i = 0; i < 20; ++i) t.step();  // warm up (allocator, first sample)
  for (auto _ : state) t.step();
  state.SetLabel(state.range(0) ? fmt::format("monitor every {}", state.range(0)) : "no monitor");
}
// every 1: what one sampled step costs on its own.
BENCHMARK(BM_fashion_mnist_step)->Arg(0)->Arg(10)->Arg(1)->Unit(benchmark::kMicrosecond);

void BM_monitor_overhead(benchmark::State& state) {
  xg::manual_seed(0);
  Trainer plain(0), watched(10);
  for (int i = 0; i < 20; ++i) plain.step(), watched.step();
  using clock = std::chrono::steady_clock;
  double plain_s = 0, watched_s = 0;
  int64_t steps = 0;
  for (auto _ : state) {
    auto t0 = clock::now();
    for (int i = 0; i < 20; ++i) plain.step();
    auto t1 = clock::now();
    for (int i = 0; i < 20; ++i) watched.step();  // two sampled steps among them
    auto t2 = clock::now();
    plain_s += std::chrono::duration<double>(t1 - t0).count();
    watched_s += std::chrono::duration<double>(t2 - t1).count();
    steps += 20;
  }
  state.counters["plain_us_per_step"] = 1e6 * plain_s / static_cast<double>(steps);
  state.counters["monitored_us_per_step"] = 1e6 * watched_s / static_cast<double>(steps);
  state.counters["ratio"] = watched_s / plain_s;
}
BENCHMARK(BM_monitor_overhead)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
