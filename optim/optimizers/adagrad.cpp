// Adagrad's update rule (torch.optim.Adagrad, PyTorch 1.13, dense gradients).
#include "optim/optimizers/adagrad.hpp"

#include <cmath>

#include "optim/kernel_util.hpp"

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

void Adagrad::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                           const AdagradOptions& o) {
  // PyTorch fills the accumulator when the optimizer is built; lazily here, same values.
  const Tensor& sum_t = detail::state_buffer(state, "sum", param, o.initial_accumulator_value());
  const double clr = o.lr() / (1 + static_cast<double>(state.step - 1) * o.lr_decay());
  visit_floating(param.dtype(), AdagradOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *s = raw_data<T>(sum_t);
    const T* g = raw_data<T>(grad);
    const T wd = T(o.weight_decay()), e = T(o.eps()), lr = T(clr);
    const bool maximize = o.maximize();
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = maximize ? -g[i] : g[i];  // negated first, before weight decay
      if (wd != 0) gi = gi + wd * p[i];
      s[i] = s[i] + gi * gi;
      p[i] = p[i] - lr * (gi / (std::sqrt(s[i]) + e));
    });
  });
}

}  // namespace xgrad::optim
