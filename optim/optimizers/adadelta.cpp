// Adadelta's update rule (torch.optim.Adadelta, PyTorch 1.13).
#include "optim/optimizers/adadelta.hpp"

#include <cmath>

#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void Adadelta::validate(const AdadeltaOptions& o) {
  const char* who = AdadeltaOptions::kName;
  check_option(o.lr() >= 0, who, "lr", o.lr(), ">= 0");
  check_option(o.rho() >= 0 && o.rho() <= 1, who, "rho", o.rho(), "in [0, 1]");
  check_option(o.eps() > 0, who, "eps", o.eps(), "> 0");
  check_option(o.weight_decay() >= 0, who, "weight_decay", o.weight_decay(), ">= 0");
}

void Adadelta::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                            const AdadeltaOptions& o) {
  const Tensor& sq_t = detail::state_buffer(state, "square_avg", param);
  const Tensor& acc_t = detail::state_buffer(state, "acc_delta", param);
  visit_floating(param.dtype(), AdadeltaOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *sq = raw_data<T>(sq_t), *acc = raw_data<T>(acc_t);
    const T* g = raw_data<T>(grad);
    const T rho = T(o.rho()), c = T(1 - o.rho()), e = T(o.eps()), wd = T(o.weight_decay()),
            lr = T(o.lr());
    const bool maximize = o.maximize();
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = maximize ? -g[i] : g[i];  // negated first, before weight decay
      if (wd != 0) gi = gi + wd * p[i];
      sq[i] = sq[i] * rho + c * gi * gi;
      const T std_ = std::sqrt(sq[i] + e);
      const T delta = std::sqrt(acc[i] + e) / std_ * gi;
      acc[i] = acc[i] * rho + c * delta * delta;
      p[i] = p[i] - lr * delta;
    });
  });
}

}  // namespace xgrad::optim
