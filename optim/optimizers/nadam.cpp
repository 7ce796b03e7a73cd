// NAdam's update rule (torch.optim.NAdam, PyTorch 1.13).
#include <xgrad/optim/optimizers/nadam.hpp>

#include <cmath>

#include <xgrad/optim/detail/adam_family.hpp>
#include <xgrad/optim/optimizers/adam.hpp>

namespace xgrad::optim {

void NAdam::validate(const NAdamOptions& o) {
  detail::check_adam_like(o);
  check_option(o.momentum_decay() >= 0, NAdamOptions::kName, "momentum_decay", o.momentum_decay(),
               ">= 0");
}

namespace {

template <class T>
struct NAdamScalars {
  detail::MomentCoefs<T> moments;
  T weight_decay, eps, bias_correction2, coef_grad, coef_avg;
};

/// NAdam on elements [begin, end), PyTorch's operations in PyTorch's order (two separate
/// additions to θ, as its two addcdiv_); the flag is compile-time, so the loop has no branch
/// and vectorises.
template <class T, bool kWeightDecay>
void nadam_chunk(T* __restrict p, T* __restrict m, T* __restrict v, const T* __restrict g,
                 const NAdamScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<false, kWeightDecay>(g[i], p[i], c.weight_decay);
    const detail::Moments<T> mv = detail::next_moments(m[i], v[i], gi, c.moments);
    m[i] = mv.m;
    v[i] = mv.v;
    const T denom = std::sqrt(mv.v / c.bias_correction2) + c.eps;
    T pi = p[i] + c.coef_grad * (gi / denom);
    p[i] = pi + c.coef_avg * (mv.m / denom);
  }
}

}  // namespace

void NAdam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const NAdamOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& v_t = detail::state_buffer(state, "exp_avg_sq", param);
  const detail::AdamStepScalars s = detail::adam_step_scalars(o, state);
  // The momentum schedule μₜ and its running product, kept as a scalar of the state.
  const double mu = s.beta1 * (1. - 0.5 * std::pow(0.96, s.step * o.momentum_decay()));
  const double mu_next = s.beta1 * (1. - 0.5 * std::pow(0.96, (s.step + 1) * o.momentum_decay()));
  auto it = state.scalars.find("mu_product");
  double mu_product = (it == state.scalars.end() ? 1.0 : it->second) * mu;
  state.scalars["mu_product"] = mu_product;
  // PyTorch 1.13 (the reference) computes the next product as Πₜ·μₜ·μₜ₊₁, counting μₜ twice;
  // PyTorch 2.0 changed it to Πₜ·μₜ₊₁. We follow 1.13, as the reference trajectories do.
  const double mu_product_next = mu_product * mu * mu_next;
  const double coef_grad = -o.lr() * (1. - mu) / (1. - mu_product);
  const double coef_avg = -o.lr() * mu_next / (1. - mu_product_next);
  visit_floating(param.dtype(), NAdamOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *v = raw_data<T>(v_t);
    const T* g = raw_data<T>(grad);
    const NAdamScalars<T> c{detail::MomentCoefs<T>(s), T(o.weight_decay()), T(o.eps()),
                            T(s.bias_correction2),     T(coef_grad),        T(coef_avg)};
    detail::with_flags(
        [&](auto wd) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            nadam_chunk<T, decltype(wd)::value>(p, m, v, g, c, begin, end);
          });
        },
        o.weight_decay() != 0);
  });
}

}  // namespace xgrad::optim
