// Adamax's update rule (torch.optim.Adamax, PyTorch 1.13).
#include <xgrad/optim/optimizers/adamax.hpp>

#include <algorithm>
#include <cmath>

#include <xgrad/optim/detail/adam_family.hpp>
#include <xgrad/optim/optimizers/adam.hpp>

namespace xgrad::optim {

void Adamax::validate(const AdamaxOptions& o) {
  detail::check_adam_like(o);
}

namespace {

template <class T>
struct AdamaxScalars {
  T b1, c1, b2, weight_decay, eps, lr;  // lr: γ/(1−β₁ᵗ), this step's
};

/// Adamax on elements [begin, end), PyTorch's operations in PyTorch's order; the flags are
/// compile-time, so the loop has no branch and vectorises.
template <class T, bool kWeightDecay, bool kMaximize>
void adamax_chunk(T* __restrict p, T* __restrict m, T* __restrict u, const T* __restrict g,
                  const AdamaxScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.weight_decay);
    const T mi = m[i] * c.b1 + c.c1 * gi;
    const T ui = std::max(u[i] * c.b2, std::abs(gi) + c.eps);  // eps inside the max, as PyTorch
    m[i] = mi;
    u[i] = ui;
    p[i] = p[i] - c.lr * (mi / ui);
  }
}

}  // namespace

void Adamax::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                          const AdamaxOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& u_t = detail::state_buffer(state, "exp_inf", param);
  const detail::AdamStepScalars s = detail::adam_step_scalars(o, state);
  const double clr = o.lr() / s.bias_correction1;
  visit_floating(param.dtype(), AdamaxOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *u = raw_data<T>(u_t);
    const T* g = raw_data<T>(grad);
    const AdamaxScalars<T> c{T(s.beta1),          T(1 - s.beta1), T(s.beta2),
                             T(o.weight_decay()), T(o.eps()),     T(clr)};
    detail::with_flags(
        [&](auto wd, auto maximize) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            adamax_chunk<T, decltype(wd)::value, decltype(maximize)::value>(p, m, u, g, c, begin,
                                                                            end);
          });
        },
        o.weight_decay() != 0, o.maximize());
  });
}

}  // namespace xgrad::optim
