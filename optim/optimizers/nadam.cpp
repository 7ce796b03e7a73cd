// NAdam's update rule (torch.optim.NAdam, PyTorch 1.13).
#include "optim/optimizers/nadam.hpp"

#include <cmath>

#include "optim/optimizers/adam.hpp"
#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void NAdam::validate(const NAdamOptions& o) {
  detail::check_adam_like(o);
  check_option(o.momentum_decay() >= 0, NAdamOptions::kName, "momentum_decay", o.momentum_decay(),
               ">= 0");
}

void NAdam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const NAdamOptions& o) {
  const Tensor& m_t = detail::state_buffer(state, "exp_avg", param);
  const Tensor& v_t = detail::state_buffer(state, "exp_avg_sq", param);
  const double beta1 = o.betas().first, beta2 = o.betas().second;  // captured below
  const auto step = static_cast<double>(state.step);
  const double bias_correction2 = 1 - std::pow(beta2, step);
  // The momentum schedule μₜ and its running product, kept as a scalar of the state.
  const double mu = beta1 * (1. - 0.5 * std::pow(0.96, step * o.momentum_decay()));
  const double mu_next = beta1 * (1. - 0.5 * std::pow(0.96, (step + 1) * o.momentum_decay()));
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
    const T b1 = T(beta1), b2 = T(beta2), c1 = T(1 - beta1), c2 = T(1 - beta2),
            wd = T(o.weight_decay()), e = T(o.eps()), bc2 = T(bias_correction2), cg = T(coef_grad),
            ca = T(coef_avg);
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = g[i];
      if (wd != 0) gi = gi + wd * p[i];
      m[i] = m[i] * b1 + c1 * gi;
      v[i] = v[i] * b2 + c2 * gi * gi;
      const T denom = std::sqrt(v[i] / bc2) + e;
      p[i] = p[i] + cg * (gi / denom);
      p[i] = p[i] + ca * (m[i] / denom);
    });
  });
}

}  // namespace xgrad::optim
