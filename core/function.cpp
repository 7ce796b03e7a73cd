#include "core/function.hpp"

#include <cctype>

namespace xgrad {

TensorList AutogradContext::get_saved_variables() const {
  TensorList out;
  out.reserve(saved_.size());
  for (const auto& s : saved_) out.push_back(s.unpack(op_name_.c_str()));
  return out;
}

std::string backward_node_name(const std::string& op) {
  std::string name;
  bool upper = true;
  for (char c : op) {
    if (c == '_') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name + "Backward";
}

namespace detail {
bool any_requires_grad(const TensorList& tensors) {
  for (const auto& t : tensors)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}
}  // namespace detail

void FunctionNodeBase::connect(const TensorList& inputs, const std::vector<Tensor*>& outputs) {
  for (const auto& in : inputs) add_input(in);
  ctx.input_meta_ = &input_meta_;
  for (Tensor* out : outputs) {
    if (!out->defined() || !is_floating(out->dtype())) {
      // Integer outputs (argmax) are never differentiable; keep the slot for numbering.
      output_meta_.push_back(out->defined() ? TensorMeta{out->shape(), out->dtype()}
                                            : TensorMeta{});
      continue;
    }
    // An output that is an input (or any tensor already in a graph) gets its own handle.
    if (out->requires_grad() || out->grad_fn()) *out = make_view(*out, out->shape());
    const uint32_t nr = add_output(*out);
    TensorImpl* impl = out->impl();
    impl->requires_grad = true;
    impl->grad_fn = shared_from_this();
    impl->output_nr = nr;
  }
  // Saved tensors are converted after the outputs know their node, so that a saved output
  // refers to this node weakly instead of owning it.
  ctx.saved_.reserve(ctx.to_save_.size());
  for (const auto& t : ctx.to_save_) ctx.saved_.emplace_back(t);
  ctx.to_save_.clear();
}

}  // namespace xgrad
