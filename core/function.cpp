#include <xgrad/core/function.hpp>

#include <cxxabi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>

namespace xgrad {

TensorList AutogradContext::get_saved_variables() const {
  TensorList out;
  out.reserve(saved_.size());
  for (const auto& s : saved_) {
    Tensor t = s.unpack(op_name_.c_str());
    // A saved view (see entry_copies below) reaches backward contiguous, through the recorded
    // contiguous() so that create_graph differentiates through it.
    if (t.defined() && !t.is_contiguous()) t = t.contiguous();
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
/// The contiguous copies Function::apply made of non-contiguous inputs on this thread, each
/// with the view it copies. When forward saves such a copy, connect() saves the view instead:
/// the saved tensor then keeps its place in the graph (gradients of gradients flow through
/// it) and shares its base's version counter (in-place changes through any view are caught).
/// An entry whose copy nobody else holds any more is dropped at the next copy, so the list
/// stays as short as the copies alive.
thread_local std::vector<std::pair<Tensor, Tensor>> entry_copies;

Tensor original_of(const Tensor& saved) {
  for (const auto& [copy, original] : entry_copies)
    if (copy.is_same(saved)) return original;
  return saved;
}
}  // namespace

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
  auto& list = entry_copies;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [](const auto& e) { return e.first.impl_ptr().use_count() == 1; }),
             list.end());
  Tensor copy = dense_copy(t);
  list.emplace_back(copy, t);
  return copy;
}
TensorList dense_inputs(const TensorList& ts) {
  TensorList out;
  out.reserve(ts.size());
  for (const auto& t : ts) out.push_back(!t.defined() || t.is_contiguous() ? t : dense_input(t));
  return out;
}

bool any_requires_grad(const TensorList& tensors) {
  for (const auto& t : tensors)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}
}  // namespace detail

void FunctionNodeBase::connect(const TensorList& inputs, const std::vector<Tensor*>& outputs) {
  next_edges_.reserve(inputs.size());  // one allocation each, not one per doubling
  input_meta_.reserve(inputs.size());
  output_meta_.reserve(outputs.size());
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
  for (const auto& t : ctx.to_save_)
    ctx.saved_.emplace_back(entry_copies.empty() ? t : original_of(t));
  ctx.to_save_.clear();
  entry_copies.clear();  // this op's forward is over; nested forwards never record
}

}  // namespace xgrad

namespace xgrad::detail {

std::string demangled_type_name(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
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
