#pragma once
// xgrad::nn::utils: libtorch's torch::nn::utils names for gradient clipping, which xgrad keeps
// in optim/ (it works on tensors, not modules). Placed in optim/ since nn/ never includes it.
#include <vector>

#include <xgrad/optim/clip_grad.hpp>

namespace xgrad::nn::utils {
/// libtorch's torch::nn::utils::clip_grad_norm_: optim::clip_grad_norm under that name.
///   xgrad::nn::utils::clip_grad_norm_(model.parameters(), 1.0);
inline double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm,
                              double norm_type = 2.0) {
  return optim::clip_grad_norm(params, max_norm, norm_type);
}
inline void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
  optim::clip_grad_value(params, clip_value);
}
}  // namespace xgrad::nn::utils
