// Adam's update rule (torch.optim.Adam, PyTorch 1.13, single-tensor path).
#include "optim/adam.hpp"

#include <algorithm>
#include <cmath>

#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void detail::check_adam_like(const char* who, double lr, Betas betas, double eps,
                             double weight_decay) {
  check_option(lr >= 0, who, "lr", lr, ">= 0");
  check_option(betas.first >= 0 && betas.first < 1, who, "beta1 (betas[0])", betas.first,
               "in [0, 1)");
  check_option(betas.second >= 0 && betas.second < 1, who, "beta2 (betas[1])", betas.second,
               "in [0, 1)");
  check_option(eps > 0, who, "eps", eps, "> 0");
  check_option(weight_decay >= 0, who, "weight_decay", weight_decay, ">= 0");
}

void Adam::validate(const AdamOptions& o) {
  detail::check_adam_like(AdamOptions::kName, o.lr(), o.betas(), o.eps(), o.weight_decay());
}

std::vector<std::string> Adam::state_buffers(const AdamOptions& o) {
  if (o.amsgrad()) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void Adam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                        const AdamOptions& o) {
  detail::adam_update(param, grad, state, o.lr(), o.betas(), o.eps(), o.weight_decay(), o.amsgrad(),
                      o.maximize());
}

void detail::adam_update(const Tensor& param, const Tensor& grad, ParamState& state, double lr,
                         Betas betas, double eps, double weight_decay, bool amsgrad,
                         bool maximize) {
  const Tensor& m_t = state_buffer(state, "exp_avg", param);
  const Tensor& v_t = state_buffer(state, "exp_avg_sq", param);
  Tensor vmax_t = amsgrad ? state_buffer(state, "max_exp_avg_sq", param) : Tensor();
  // Scalars in double as PyTorch computes them in Python floats.
  const auto step = static_cast<double>(state.step);
  const double bias_correction1 = 1 - std::pow(betas.first, step);
  const double bias_correction2 = 1 - std::pow(betas.second, step);
  const double step_size = lr / bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(bias_correction2);
  visit_floating(param.dtype(), "Adam", [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *v = raw_data<T>(v_t);
    T* vmax = data_or_null<T>(vmax_t);
    const T* g = raw_data<T>(grad);
    const T b1 = T(betas.first), b2 = T(betas.second), c1 = T(1 - betas.first),
            c2 = T(1 - betas.second), wd = T(weight_decay), e = T(eps), ss = T(step_size),
            bc2 = T(bias_correction2_sqrt);
    for_each_index(param.numel(), [&](int64_t i) {
      T gi = maximize ? -g[i] : g[i];
      if (wd != 0) gi = gi + wd * p[i];
      m[i] = m[i] * b1 + c1 * gi;
      v[i] = v[i] * b2 + c2 * gi * gi;
      T second = v[i];
      if (vmax) second = vmax[i] = std::max(vmax[i], v[i]);
      const T denom = std::sqrt(second) / bc2 + e;
      p[i] = p[i] - ss * (m[i] / denom);
    });
  });
}

}  // namespace xgrad::optim
