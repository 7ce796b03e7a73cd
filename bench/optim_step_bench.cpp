// One optimizer step alone (opt.step(), no forward or backward) on the parameters of the
// 784-256-256-10 MLP of bench/compare.sh (269,322 float32 elements in six tensors), the
// gradients cycling through four random sets: the cost of the update rules themselves. The
// argument is the thread count.
//   BM_optim_step/<case>/<threads>, e.g. BM_optim_step/rmsprop_centered_momentum/1
// Small learning rates keep the parameters tame over the benchmark's thousands of steps, and
// changing gradients keep centered RMSprop's variance estimate E[g²] − E[g]² away from 0 (a
// fixed gradient drives it to 0, the update to 1/eps and the parameters to inf and NaN).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace optim = xgrad::optim;

namespace {

void BM_optim_step(benchmark::State& state, const std::string& name, optim::OptionMap options) {
  xg::set_num_threads(static_cast<int>(state.range(0)));
  xg::manual_seed(0);
  constexpr std::size_t kGradSets = 4;
  std::vector<xg::Tensor> params;
  std::vector<std::vector<xg::Tensor>> grads(kGradSets);
  int64_t elements = 0;
  for (const xg::Shape& shape :
       std::vector<xg::Shape>{{256, 784}, {256}, {256, 256}, {256}, {10, 256}, {10}}) {
    params.push_back(xg::randn(shape).requires_grad_());
    for (auto& set : grads) set.push_back(xg::randn(shape) * 0.01);
    elements += params.back().numel();
  }
  auto opt = optim::make(name, params, options);
  std::size_t k = 0;
  for (auto _ : state) {
    const auto& set = grads[k++ % kGradSets];
    for (std::size_t i = 0; i < params.size(); ++i) params[i].set_grad(set[i]);
    opt->step();
  }
  benchmark::DoNotOptimize(params[0].data_ptr<float>());
  state.SetItemsProcessed(state.iterations() * elements);
}

}  // namespace

BENCHMARK_CAPTURE(BM_optim_step, adam, std::string("adam"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, adam_amsgrad, std::string("adam"),
                  optim::OptionMap{{"lr", 1e-4}, {"amsgrad", true}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, rmsprop, std::string("rmsprop"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, rmsprop_centered_momentum, std::string("rmsprop"),
                  optim::OptionMap{{"lr", 1e-4}, {"momentum", 0.9}, {"centered", true}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, adagrad, std::string("adagrad"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, adadelta, std::string("adadelta"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, adamax, std::string("adamax"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, adamax_wd, std::string("adamax"),
                  optim::OptionMap{{"lr", 1e-4}, {"weight_decay", 1e-2}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, nadam, std::string("nadam"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_optim_step, radam, std::string("radam"), optim::OptionMap{{"lr", 1e-4}})
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
