// The xgrad side of bench/compare.sh; bench/torch/torch_bench.cpp is the same cases in
// libtorch. Each case with 1 and 2 threads (the argument):
//   mlp_784_b128_{sgd,adam}: 784-256-256-10 ReLU MLP, batch 128, cross-entropy, one training
//                            step (zero_grad, forward, loss, backward, optimizer step)
//   mlp_10_b32_{sgd,adam}:   10-32-32-1 ReLU MLP, batch 32, MSE, one training step
//   chain_1000:              1,000 x (y = y * 1.0001 + 0.0001) on 4 elements, fwd + bwd (2,000 nodes)
//   wide_8x4:                8 branches of 4 x (512x512 matmul, tanh), summed, fwd + bwd
//   gemm_floor_784:          the GEMMs of one mlp_784_b128 step called directly through cblas:
//                            3 forward (X·W1ᵀ, H1·W2ᵀ, H2·W3ᵀ), 3 weight gradients (dYᵀ·X) and
//                            2 input gradients (dY·W; the input X needs none) — the floor.
//   gemm_floor_784_backend:  the same eight products through xgrad's GEMM wrapper (ops/gemm.cpp)
//                            and the backend it was built with (XGRAD_GEMM; label says which)
//   gemm_floor_784_bf16:     the same under autocast(bfloat16): operands rounded to bfloat16
//                            per call, float32 accumulation (float32 where unavailable)
//   mlp_784_b128_sgd_bf16:   mlp_784_b128_sgd with the forward and backward under autocast
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <random>

#include <xgrad/ops/detail/gemm.hpp>  // internal: the floor through xgrad's own GEMM wrapper
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;

namespace {

nn::Sequential make_mlp(const std::vector<int64_t>& sizes) {
  nn::Sequential net;
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    net.push_back(nn::Linear(sizes[i], sizes[i + 1]));
    if (i + 2 < sizes.size()) net.push_back(nn::ReLU());
  }
  return net;
}

enum class Opt { Sgd, Adam };
enum class Loss { CrossEntropy, Mse };

void mlp_step(benchmark::State& state, const std::vector<int64_t>& sizes, int64_t batch, Opt opt,
              Loss loss_kind, xg::AutocastDType autocast = xg::AutocastDType::None) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  xg::manual_seed(0);
  auto net = make_mlp(sizes);
  auto x = xg::randn({batch, sizes.front()});
  // Random labels, as the libtorch side's randint: a batch with one label only would drive the
  // loss to 0 over the benchmark's thousands of steps and the gradients into denormals.
  std::vector<int64_t> label_values(static_cast<size_t>(batch));
  std::mt19937_64 rng(0);
  for (auto& v : label_values)
    v = static_cast<int64_t>(rng() % static_cast<uint64_t>(sizes.back()));
  auto labels = xg::tensor(label_values, {batch});
  auto target = xg::randn({batch, sizes.back()});
  std::unique_ptr<optim::Optimizer> optimizer;
  if (opt == Opt::Sgd)
    optimizer = std::make_unique<optim::SGD>(net.parameters(), optim::SGDOptions(0.01));
  else
    optimizer = std::make_unique<optim::Adam>(net.parameters(), optim::AdamOptions(1e-3));
  for (auto _ : state) {
    optimizer->zero_grad();
    xg::AutocastGuard guard(autocast);
    auto out = net(x);
    auto loss = loss_kind == Loss::CrossEntropy ? xg::cross_entropy(out, labels)
                                                : xg::mse_loss(out, target);
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
void BM_mlp_784_b128_sgd_bf16(benchmark::State& s) {
  mlp_step(s, {784, 256, 256, 10}, 128, Opt::Sgd, Loss::CrossEntropy, xg::kBFloat16);
  s.SetLabel(xg::autocast_available(xg::kBFloat16) ? "bf16" : "bf16_unavailable_float32");
}
void BM_mlp_10_b32_sgd(benchmark::State& s) {
  mlp_step(s, {10, 32, 32, 1}, 32, Opt::Sgd, Loss::Mse);
}
void BM_mlp_10_b32_adam(benchmark::State& s) {
  mlp_step(s, {10, 32, 32, 1}, 32, Opt::Adam, Loss::Mse);
}

void BM_chain_1000(benchmark::State& state) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  auto x = xg::ones({4}).requires_grad_();
  for (auto _ : state) {
    auto y = x;
    for (int i = 0; i < 1000; ++i) y = y * 1.0001 + 0.0001;
    y.sum().backward();
    x.zero_grad();
  }
  state.counters["nodes"] = 2000;
}

void BM_wide_8x4(benchmark::State& state) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  xg::manual_seed(0);
  std::vector<xg::Tensor> weights;
  for (int i = 0; i < 8 * 4; ++i)
    weights.push_back((xg::randn({512, 512}) * 0.04).requires_grad_());
  auto x = xg::randn({512, 512});
  for (auto _ : state) {
    xg::Tensor total;
    for (int b = 0; b < 8; ++b) {
      auto h = x;
      for (int l = 0; l < 4; ++l) h = xg::tanh(xg::matmul(h, weights[b * 4 + l]));
      total = total.defined() ? total + h : h;
    }
    total.sum().backward();
    for (auto& w : weights) w.zero_grad();
  }
}

/// The eight products of one mlp_784_b128 step through `gemm(ta, tb, m, n, k, A, lda, B, ldb,
/// C, ldc)` (row-major, C = op(A) op(B)), timed by `state`.
template <class Gemm>
void gemm_floor_784(benchmark::State& state, Gemm gemm) {
  const int64_t b = 128, n0 = 784, n1 = 256, n2 = 256, n3 = 10;
  std::vector<float> x(b * n0, 0.5f), w1(n1 * n0, 0.01f), w2(n2 * n1, 0.01f), w3(n3 * n2, 0.01f);
  std::vector<float> h1(b * n1), h2(b * n2), y(b * n3), dy(b * n3, 0.1f), dh2(b * n2), dh1(b * n1);
  std::vector<float> dw1(n1 * n0), dw2(n2 * n1), dw3(n3 * n2);
  // C[m x n] = A[m x k] · B[n x k]ᵀ (forward of a linear layer, row-major)
  auto fwd = [&](const float* a, const float* w, float* c, int64_t m, int64_t k, int64_t n) {
    gemm(false, true, m, n, k, a, k, w, k, c, n);
  };
  // dW[n x k] = dY[m x n]ᵀ · A[m x k]
  auto dw = [&](const float* dy, const float* a, float* c, int64_t m, int64_t k, int64_t n) {
    gemm(true, false, n, k, m, dy, n, a, k, c, k);
  };
  // dA[m x k] = dY[m x n] · W[n x k]
  auto dx = [&](const float* dy, const float* w, float* c, int64_t m, int64_t k, int64_t n) {
    gemm(false, false, m, k, n, dy, n, w, k, c, k);
  };
  for (auto _ : state) {
    fwd(x.data(), w1.data(), h1.data(), b, n0, n1);
    fwd(h1.data(), w2.data(), h2.data(), b, n1, n2);
    fwd(h2.data(), w3.data(), y.data(), b, n2, n3);
    dw(dy.data(), h2.data(), dw3.data(), b, n2, n3);
    dx(dy.data(), w3.data(), dh2.data(), b, n2, n3);
    dw(dh2.data(), h1.data(), dw2.data(), b, n1, n2);
    dx(dh2.data(), w2.data(), dh1.data(), b, n1, n2);
    dw(dh1.data(), x.data(), dw1.data(), b, n0, n1);
    benchmark::DoNotOptimize(dw1.data());
  }
}

/// OpenBLAS's cblas_sgemm called directly (with its own threads for the 2-thread case).
void BM_gemm_floor_784(benchmark::State& state) {
  openblas_set_num_threads(static_cast<int>(state.range(0)));
  gemm_floor_784(state, [](bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a,
                           int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
                k, 1.f, a, lda, b, ldb, 0.f, c, ldc);
  });
  openblas_set_num_threads(1);
}

/// Through xgrad's wrapper and backend (threads bounded through TBB), optionally autocast.
void gemm_floor_784_wrapper(benchmark::State& state, xg::AutocastDType autocast) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  xg::AutocastGuard guard(autocast);
  gemm_floor_784(state, [](bool ta, bool tb, int64_t m, int64_t n, int64_t k, const float* a,
                           int64_t lda, const float* b, int64_t ldb, float* c, int64_t ldc) {
    xg::blas::gemm(ta, tb, m, n, k, 1.f, a, lda, b, ldb, 0.f, c, ldc);
  });
  state.SetLabel(xg::gemm_backend());
}
void BM_gemm_floor_784_backend(benchmark::State& s) {
  gemm_floor_784_wrapper(s, xg::AutocastDType::None);
}
void BM_gemm_floor_784_bf16(benchmark::State& s) {
  gemm_floor_784_wrapper(s, xg::kBFloat16);
}

}  // namespace

BENCHMARK(BM_mlp_784_b128_sgd)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_784_b128_adam)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_10_b32_sgd)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_10_b32_adam)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_chain_1000)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_wide_8x4)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_gemm_floor_784)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_mlp_784_b128_sgd_bf16)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_gemm_floor_784_backend)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_gemm_floor_784_bf16)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();
