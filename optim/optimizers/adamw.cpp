// AdamW's update rule (torch.optim.AdamW, PyTorch 1.13): decoupled decay, then Adam.
#include <xgrad/optim/optimizers/adamw.hpp>

namespace xgrad::optim {

void AdamW::validate(const AdamWOptions& o) {
  detail::check_adam_like(o);
}

std::vector<std::string> AdamW::state_buffers(const AdamWOptions& o) {
  return detail::adam_state_buffers(o.amsgrad());
}

void AdamW::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                         const AdamWOptions& o) {
  detail::adam_update(param, grad, state, o);  // decoupled decay, then Adam without L2
}

}  // namespace xgrad::optim
