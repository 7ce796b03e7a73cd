// The comparison cases of bench/compare.sh written with libtorch (PyTorch's C++ API), each
// with 1 and 2 threads (the argument). Same shapes, same steps as bench/compare_bench.cpp:
//   mlp_784_b128_{sgd,adam}: 784-256-256-10 ReLU MLP, batch 128, cross-entropy, one training step
//   mlp_10_b32_{sgd,adam}:   10-32-32-1 ReLU MLP, batch 32, MSE, one training step
//   chain_1000:              1,000 x (y = y * 1.0001 + 0.0001) on 4 elements, forward + backward
//   wide_8x4:                8 branches of 4 x (512x512 matmul, tanh), summed, forward + backward
#include <benchmark/benchmark.h>
#include <torch/torch.h>

namespace {

torch::nn::Sequential make_mlp(const std::vector<int64_t>& sizes) {
  torch::nn::Sequential net;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    net->push_back(torch::nn::Linear(sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.size()) net->push_back(torch::nn::ReLU());
  }
  return net;
}

enum class Opt { Sgd, Adam };
enum class Loss { CrossEntropy, Mse };

void mlp_step(benchmark::State& state, const std::vector<int64_t>& sizes, int64_t batch, Opt opt,
              Loss loss_kind) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  torch::manual_seed(0);
  auto net = make_mlp(sizes);
  auto x = torch::randn({batch, sizes.front()});
  auto labels = torch::randint(0, sizes.back(), {batch}, torch::kLong);
  auto target = torch::randn({batch, sizes.back()});
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (opt == Opt::Sgd)
    optimizer =
        std::make_unique<torch::optim::SGD>(net->parameters(), torch::optim::SGDOptions(0.01));
  else
    optimizer =
        std::make_unique<torch::optim::Adam>(net->parameters(), torch::optim::AdamOptions(1e-3));
  for (auto _ : state) {
    optimizer->zero_grad();
    auto out = net->forward(x);
    auto loss = loss_kind == Loss::CrossEntropy ? torch::nn::functional::cross_entropy(out, labels)
                                                : torch::mse_loss(out, target);
    loss.backward();
    optimizer->step();
  }
}

void BM_mlp_784_b128_sgd(benchmark::State& s) {
  mlp_step(s, {784, 256, 256, 10}, 128, Opt::Sgd, Loss::CrossEntropy);
}
void BM_mlp_784_b128_adam(benchmark::State& s) {
  mlp_step(s, {784, 256, 256, 10}, 128, Opt::Adam, Loss::CrossEntropy);
}
void BM_mlp_10_b32_sgd(benchmark::State& s) {
  mlp_step(s, {10, 32, 32, 1}, 32, Opt::Sgd, Loss::Mse);
}
void BM_mlp_10_b32_adam(benchmark::State& s) {
  mlp_step(s, {10, 32, 32, 1}, 32, Opt::Adam, Loss::Mse);
}

void BM_chain_1000(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  auto x = torch::ones({4}).requires_grad_();
  for (auto _ : state) {
    auto y = x;
    for (int i = 0; i < 1000; ++i) y = y * 1.0001 + 0.0001;
    y.sum().backward();
    x.mutable_grad().reset();
  }
  state.counters["nodes"] = 2000;
}

void BM_wide_8x4(benchmark::State& state) {
  torch::set_num_threads(static_cast<int>(state.range(0)));
  torch::manual_seed(0);
  std::vector<torch::Tensor> weights;
  for (int i = 0; i < 8 * 4; ++i)
    weights.push_back((torch::randn({512, 512}) * 0.04).requires_grad_());
  auto x = torch::randn({512, 512});
  for (auto _ : state) {
    torch::Tensor total;
    for (int b = 0; b < 8; ++b) {
      auto h = x;
      for (int l = 0; l < 4; ++l) h = torch::tanh(torch::matmul(h, weights[b * 4 + l]));
      total = total.defined() ? total + h : h;
    }
    total.sum().backward();
    for (auto& w : weights) w.mutable_grad().reset();
  }
}

}  // namespace

BENCHMARK(BM_mlp_784_b128_sgd)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_784_b128_adam)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_10_b32_sgd)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_10_b32_adam)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_chain_1000)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_wide_8x4)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
