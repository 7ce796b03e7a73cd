// RAdam's update rule (torch.optim.RAdam, PyTorch 1.13).
#include "optim/optimizers/radam.hpp"

#include <cmath>

#include "optim/optimizers/adam.hpp"
#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void RAdam::validate(const RAdamOptions& o) {
  detail::check_adam_like(o);
}

void RAdam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const RAdamOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& v_t = detail::state_buffer(state, "exp_avg_sq", param);
  const double beta1 = o.betas().first, beta2 = o.betas().second;  // captured below
  const auto step = static_cast<double>(state.step);
  const double bias_correction1 = 1 - std::pow(beta1, step);
  const double bias_correction2 = 1 - std::pow(beta2, step);
  // Length of the approximated simple moving average: the variance of the adaptive rate is
  // only tractable (and the rectification applied) once it exceeds 5.
  const double rho_inf = 2 / (1 - beta2) - 1;
  const double rho_t = rho_inf - 2 * step * std::pow(beta2, step) / bias_correction2;
  const bool rectify = rho_t > 5.;
  const double rect =
      rectify
          ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
          : 0.0;
  visit_floating(param.dtype(), RAdamOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *v = raw_data<T>(v_t);
    const T* g = raw_data<T>(grad);
    const T b1 = T(beta1), b2 = T(beta2), c1 = T(1 - beta1), c2 = T(1 - beta2),
            wd = T(o.weight_decay()), e = T(o.eps()), bc1 = T(bias_correction1),
            sbc2 = T(std::sqrt(bias_correction2)), lr = T(o.lr()), r = T(rect);
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = g[i];
      if (wd != 0) gi = gi + wd * p[i];
      m[i] = m[i] * b1 + c1 * gi;
      v[i] = v[i] * b2 + c2 * gi * gi;
      const T m_hat = m[i] / bc1;
      if (rectify) {
        const T adaptive_lr = sbc2 / (std::sqrt(v[i]) + e);
        p[i] = p[i] - m_hat * lr * adaptive_lr * r;
      } else {
        p[i] = p[i] - m_hat * lr;
      }
    });
  });
}

}  // namespace xgrad::optim
