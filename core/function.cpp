#include "core/function.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cctype>
#include <cstdlib>

#include "core/error.hpp"
#include "core/storage.hpp"

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
Tensor dense_input(const Tensor& t) {
  return dense_copy(t);
}
TensorList dense_inputs(const TensorList& ts) {
  TensorList out;
  out.reserve(ts.size());
  for (const auto& t : ts) out.push_back(dense(t));
  return out;
}

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

namespace xgrad::detail {

std::string demangled_type_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(mangled);
}

TensorList gradients_per_input(TensorList grads, const std::vector<bool>& arg_is_tensor,
                               size_t tensor_inputs, const char* op) {
  if (grads.size() == tensor_inputs || arg_is_tensor.empty()) return grads;
  // Drop trailing undefined gradients beyond the forward arguments (libtorch allows them);
  // any other count is the engine's to report.
  while (grads.size() > arg_is_tensor.size() && !grads.back().defined()) grads.pop_back();
  if (grads.size() != arg_is_tensor.size()) return grads;
  TensorList out;
  out.reserve(tensor_inputs);
  for (size_t i = 0; i < arg_is_tensor.size(); ++i) {
    const Tensor& g = grads[i];
    if (arg_is_tensor[i]) {
      out.push_back(g);
    } else if (g.defined()) {
      throw AutogradError(fmt::format(
          "{}: backward returned a defined gradient for forward argument {}, which is not a "
          "tensor; return an undefined Tensor() in its place",
          op, i));
    }
  }
  return out.size() == tensor_inputs ? out : grads;
}

}  // namespace xgrad::detail
