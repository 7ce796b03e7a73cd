// Adamax's update rule (torch.optim.Adamax, PyTorch 1.13).
#include "optim/optimizers/adamax.hpp"

#include <algorithm>
#include <cmath>

#include "optim/optimizers/adam.hpp"
#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void Adamax::validate(const AdamaxOptions& o) {
  detail::check_adam_like(o);
}

void Adamax::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                          const AdamaxOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& u_t = detail::state_buffer(state, "exp_inf", param);
  const double beta1 = o.betas().first, beta2 = o.betas().second;  // captured below
  const double clr = o.lr() / (1 - std::pow(beta1, static_cast<double>(state.step)));
  visit_floating(param.dtype(), AdamaxOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *u = raw_data<T>(u_t);
    const T* g = raw_data<T>(grad);
    const T b1 = T(beta1), b2 = T(beta2), c1 = T(1 - beta1), wd = T(o.weight_decay()),
            e = T(o.eps()), lr = T(clr);
    const bool maximize = o.maximize();
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = maximize ? -g[i] : g[i];  // negated first, before weight decay
      if (wd != 0) gi = gi + wd * p[i];
      m[i] = m[i] * b1 + c1 * gi;
      u[i] = std::max(u[i] * b2, std::abs(gi) + e);  // eps inside the max, as PyTorch
      p[i] = p[i] - lr * (m[i] / u[i]);
    });
  });
}

}  // namespace xgrad::optim
