// Parallel backpropagation, each case with 1 and 2 threads (the argument):
//   wide_8x4: 8 independent branches, each 4 x (256 x 256 matmul, tanh), summed; fwd + bwd
//   mlp_784:  784-256-256-10 ReLU MLP, batch 128, MSE against a random target; fwd + bwd
//   mlp_10:   10-32-32-1 ReLU MLP, batch 32, MSE; fwd + bwd (must not get slower)
#include <benchmark/benchmark.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
struct Mlp {
  std::vector<xg::Tensor> weights, biases;
  explicit Mlp(const std::vector<int64_t>& sizes) {
    xg::manual_seed(0);
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
      weights.push_back((xg::randn({sizes[i + 1], sizes[i]}) * 0.05).requires_grad_());
      biases.push_back(xg::zeros({sizes[i + 1]}).requires_grad_());
    }
  }
  xg::Tensor operator()(xg::Tensor h) const {
    for (size_t i = 0; i < weights.size(); ++i) {
      h = xg::linear(h, weights[i], biases[i]);
      if (i + 1 < weights.size()) h = xg::relu(h);
    }
    return h;
  }
  void zero_grad() const {
    for (const auto& w : weights) w.zero_grad();
    for (const auto& b : biases) b.zero_grad();
  }
};

void mlp_step(benchmark::State& state, const std::vector<int64_t>& sizes, int64_t batch) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  Mlp mlp(sizes);
  auto x = xg::randn({batch, sizes.front()});
  auto target = xg::randn({batch, sizes.back()});
  for (auto _ : state) {
    mlp.zero_grad();
    xg::mse_loss(mlp(x), target).backward();
  }
}
}  // namespace

static void BM_wide_8x4(benchmark::State& state) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  xg::manual_seed(0);
  std::vector<xg::Tensor> weights;
  for (int i = 0; i < 8 * 4; ++i)
    weights.push_back((xg::randn({256, 256}) * 0.06).requires_grad_());
  auto x = xg::randn({256, 256});
  for (auto _ : state) {
    xg::Tensor total;
    for (int b = 0; b < 8; ++b) {
      auto h = x;
      for (int l = 0; l < 4; ++l) h = xg::tanh(xg::matmul(h, weights[b * 4 + l]));
      total = total.defined() ? total + h : h;
    }
    total.sum().backward();
    for (const auto& w : weights) w.zero_grad();
  }
}
BENCHMARK(BM_wide_8x4)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_mlp_784_b128(benchmark::State& state) {
  mlp_step(state, {784, 256, 256, 10}, 128);
}
BENCHMARK(BM_mlp_784_b128)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

static void BM_mlp_10_b32(benchmark::State& state) {
  mlp_step(state, {10, 32, 32, 1}, 32);
}
BENCHMARK(BM_mlp_10_b32)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
