// AdamW's update rule (torch.optim.AdamW, PyTorch 1.13): decoupled decay, then Adam.
#include "optim/adamw.hpp"

#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void AdamW::validate(const AdamWOptions& o) {
  detail::check_adam_like(AdamWOptions::kName, o.lr(), o.betas(), o.eps(), o.weight_decay());
}

std::vector<std::string> AdamW::state_buffers(const AdamWOptions& o) {
  if (o.amsgrad()) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void AdamW::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const AdamWOptions& o) {
  // θ ← θ(1 − γλ): the decay does not pass through the moments (the point of AdamW).
  const double decay = 1 - o.lr() * o.weight_decay();
  if (decay != 1) {
    visit_floating(param.dtype(), "AdamW", [&](auto zero) {
      using T = decltype(zero);
      T* p = raw_data<T>(param);
      const T d = T(decay);
      detail::for_each_index(param.numel(), [&](int64_t i) { p[i] = p[i] * d; });
    });
  }
  detail::adam_update(param, grad, state, o.lr(), o.betas(), o.eps(), 0.0, o.amsgrad(),
                      o.maximize());
}

}  // namespace xgrad::optim
