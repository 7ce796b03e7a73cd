// RAdam's update rule (torch.optim.RAdam, PyTorch 1.13).
#include <xgrad/optim/optimizers/radam.hpp>

#include <cmath>

#include <xgrad/optim/detail/adam_family.hpp>
#include <xgrad/optim/optimizers/adam.hpp>

namespace xgrad::optim {

void RAdam::validate(const RAdamOptions& o) {
  detail::check_adam_like(o);
}

namespace {

template <class T>
struct RAdamScalars {
  detail::MomentCoefs<T> moments;
  T weight_decay, eps, bias_correction1, bias_correction2_sqrt, lr, rect;
};

/// RAdam on elements [begin, end), PyTorch's operations in PyTorch's order; whether this
/// step rectifies and the weight decay flag are compile-time, so the loop has no branch and
/// vectorises.
template <class T, bool kWeightDecay, bool kRectify>
void radam_chunk(T* __restrict p, T* __restrict m, T* __restrict v, const T* __restrict g,
                 const RAdamScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<false, kWeightDecay>(g[i], p[i], c.weight_decay);
    const detail::Moments<T> mv = detail::next_moments(m[i], v[i], gi, c.moments);
    m[i] = mv.m;
    v[i] = mv.v;
    const T m_hat = mv.m / c.bias_correction1;
    if constexpr (kRectify) {
      const T adaptive_lr = c.bias_correction2_sqrt / (std::sqrt(mv.v) + c.eps);
      p[i] = p[i] - m_hat * c.lr * adaptive_lr * c.rect;
    } else {
      p[i] = p[i] - m_hat * c.lr;
    }
  }
}

}  // namespace

void RAdam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const RAdamOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& v_t = detail::state_buffer(state, "exp_avg_sq", param);
  const detail::AdamStepScalars s = detail::adam_step_scalars(o, state);
  // Length of the approximated simple moving average: the variance of the adaptive rate is
  // only tractable (and the rectification applied) once it exceeds 5.
  const double rho_inf = 2 / (1 - s.beta2) - 1;
  const double rho_t = rho_inf - 2 * s.step * std::pow(s.beta2, s.step) / s.bias_correction2;
  const bool rectify = rho_t > 5.;
  const double rect =
      rectify
          ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
          : 0.0;
  visit_floating(param.dtype(), RAdamOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *v = raw_data<T>(v_t);
    const T* g = raw_data<T>(grad);
    const RAdamScalars<T> c{
        detail::MomentCoefs<T>(s),        T(o.weight_decay()), T(o.eps()), T(s.bias_correction1),
        T(std::sqrt(s.bias_correction2)), T(o.lr()),           T(rect)};
    detail::with_flags(
        [&](auto wd, auto rectified) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            radam_chunk<T, decltype(wd)::value, decltype(rectified)::value>(p, m, v, g, c, begin,
                                                                            end);
          });
        },
        o.weight_decay() != 0, rectify);
  });
}

}  // namespace xgrad::optim
