// Adadelta's update rule (torch.optim.Adadelta, PyTorch 1.13).
#include <xgrad/optim/optimizers/adadelta.hpp>

#include <cmath>

#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim {

void Adadelta::validate(const AdadeltaOptions& o) {
  const char* who = AdadeltaOptions::kName;
  check_option(o.lr() >= 0, who, "lr", o.lr(), ">= 0");
  check_option(o.rho() >= 0 && o.rho() <= 1, who, "rho", o.rho(), "in [0, 1]");
  check_option(o.eps() > 0, who, "eps", o.eps(), "> 0");
  check_option(o.weight_decay() >= 0, who, "weight_decay", o.weight_decay(), ">= 0");
}

namespace {

template <class T>
struct AdadeltaScalars {
  T rho, one_minus_rho, eps, weight_decay, lr;
};

/// Adadelta on elements [begin, end), PyTorch's operations in PyTorch's order; the flags are
/// compile-time, so the loop has no branch and vectorises.
template <class T, bool kWeightDecay, bool kMaximize>
void adadelta_chunk(T* __restrict p, T* __restrict sq, T* __restrict acc, const T* __restrict g,
                    const AdadeltaScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.weight_decay);
    const T sqi = sq[i] * c.rho + c.one_minus_rho * gi * gi;
    sq[i] = sqi;
    const T std_ = std::sqrt(sqi + c.eps);
    const T delta = std::sqrt(acc[i] + c.eps) / std_ * gi;
    acc[i] = acc[i] * c.rho + c.one_minus_rho * delta * delta;
    p[i] = p[i] - c.lr * delta;
  }
}

}  // namespace

void Adadelta::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                            const AdadeltaOptions& o) {
  const Tensor& sq_t = detail::state_buffer(state, "square_avg", param);
  const Tensor& acc_t = detail::state_buffer(state, "acc_delta", param);
  visit_floating(param.dtype(), AdadeltaOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *sq = raw_data<T>(sq_t), *acc = raw_data<T>(acc_t);
    const T* g = raw_data<T>(grad);
    const AdadeltaScalars<T> c{T(o.rho()), T(1 - o.rho()), T(o.eps()), T(o.weight_decay()),
                               T(o.lr())};
    detail::with_flags(
        [&](auto wd, auto maximize) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            adadelta_chunk<T, decltype(wd)::value, decltype(maximize)::value>(p, sq, acc, g, c,
                                                                              begin, end);
          });
        },
        o.weight_decay() != 0, o.maximize());
  });
}

}  // namespace xgrad::optim
