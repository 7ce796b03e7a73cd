// RMSprop's update rule (torch.optim.RMSprop, PyTorch 1.13).
#include "optim/optimizers/rmsprop.hpp"

#include <cmath>

#include "optim/kernel_util.hpp"

namespace xgrad::optim {

void RMSprop::validate(const RMSpropOptions& o) {
  const char* who = RMSpropOptions::kName;
  check_option(o.lr() >= 0, who, "lr", o.lr(), ">= 0");
  check_option(o.alpha() >= 0 && o.alpha() <= 1, who, "alpha", o.alpha(), "in [0, 1]");
  check_option(o.eps() > 0, who, "eps", o.eps(), "> 0");
  check_option(o.weight_decay() >= 0, who, "weight_decay", o.weight_decay(), ">= 0");
  check_option(o.momentum() >= 0, who, "momentum", o.momentum(), ">= 0");
}

std::vector<std::string> RMSprop::state_buffers(const RMSpropOptions& o) {
  std::vector<std::string> names{"square_avg"};
  if (o.momentum() > 0) names.push_back("momentum_buffer");
  if (o.centered()) names.push_back("grad_avg");
  return names;
}

void RMSprop::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                           const RMSpropOptions& o) {
  const Tensor& sq_t = detail::state_buffer(state, "square_avg", param);
  Tensor buf_t =
      o.momentum() > 0 ? detail::state_buffer(state, "momentum_buffer", param) : Tensor();
  Tensor gavg_t = o.centered() ? detail::state_buffer(state, "grad_avg", param) : Tensor();
  visit_floating(param.dtype(), RMSpropOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *sq = raw_data<T>(sq_t);
    T* buf = detail::data_or_null<T>(buf_t);
    T* gavg = detail::data_or_null<T>(gavg_t);
    const T* g = raw_data<T>(grad);
    const T a = T(o.alpha()), ca = T(1 - o.alpha()), e = T(o.eps()), wd = T(o.weight_decay()),
            mu = T(o.momentum()), lr = T(o.lr());
    const bool maximize = o.maximize();
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T gi = maximize ? -g[i] : g[i];  // negated first, before weight decay
      if (wd != 0) gi = gi + wd * p[i];
      sq[i] = sq[i] * a + ca * gi * gi;
      T avg;
      if (gavg) {
        gavg[i] = gavg[i] * a + ca * gi;
        avg = std::sqrt(sq[i] - gavg[i] * gavg[i]);  // variance estimate: E[g²] − E[g]²
      } else {
        avg = std::sqrt(sq[i]);
      }
      avg = avg + e;
      if (buf) {
        buf[i] = buf[i] * mu + gi / avg;
        p[i] = p[i] - lr * buf[i];
      } else {
        p[i] = p[i] - lr * (gi / avg);
      }
    });
  });
}

}  // namespace xgrad::optim
