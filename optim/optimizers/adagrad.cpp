// Adagrad's update rule (torch.optim.Adagrad, PyTorch 1.13, dense gradients).
#include <xgrad/optim/optimizers/adagrad.hpp>

#include <cmath>

#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim {

void Adagrad::validate(const AdagradOptions& o) {
  const char* who = AdagradOptions::kName;
  check_option(o.lr() >= 0, who, "lr", o.lr(), ">= 0");
  check_option(o.lr_decay() >= 0, who, "lr_decay", o.lr_decay(), ">= 0");
  check_option(o.weight_decay() >= 0, who, "weight_decay", o.weight_decay(), ">= 0");
  check_option(o.initial_accumulator_value() >= 0, who, "initial_accumulator_value",
               o.initial_accumulator_value(), ">= 0");
  check_option(o.eps() > 0, who, "eps", o.eps(), "> 0");
}

namespace {

template <class T>
struct AdagradScalars {
  T weight_decay, eps, lr;  // lr: γ̃ = γ / (1 + (t−1)η), this step's
};

/// Adagrad on elements [begin, end), PyTorch's operations in PyTorch's order; the flags are
/// compile-time, so the loop has no branch and vectorises.
template <class T, bool kWeightDecay, bool kMaximize>
void adagrad_chunk(T* __restrict p, T* __restrict s, const T* __restrict g,
                   const AdagradScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.weight_decay);
    const T si = s[i] + gi * gi;
    s[i] = si;
    p[i] = p[i] - c.lr * (gi / (std::sqrt(si) + c.eps));
  }
}

}  // namespace

void Adagrad::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                           const AdagradOptions& o) {
  // PyTorch fills the accumulator when the optimizer is built; lazily here, same values.
  const Tensor& sum_t = detail::state_buffer(state, "sum", param, o.initial_accumulator_value());
  const double clr = o.lr() / (1 + static_cast<double>(state.step - 1) * o.lr_decay());
  visit_floating(param.dtype(), AdagradOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *s = raw_data<T>(sum_t);
    const T* g = raw_data<T>(grad);
    const AdagradScalars<T> c{T(o.weight_decay()), T(o.eps()), T(clr)};
    detail::with_flags(
        [&](auto wd, auto maximize) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            adagrad_chunk<T, decltype(wd)::value, decltype(maximize)::value>(p, s, g, c, begin,
                                                                             end);
          });
        },
        o.weight_decay() != 0, o.maximize());
  });
}

}  // namespace xgrad::optim
