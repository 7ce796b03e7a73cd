// Module hooks: the call operator that runs them, and the full backward hooks.
//
// A full backward hook must see the gradients of *this call* of the module: d loss / d input
// and d loss / d output. Hooks on the tensors themselves would not do: the input may be used
// outside the module too (a residual), so its gradient would mix both uses. As PyTorch does
// (BackwardHookFunction), the call wraps its input and its output in an identity op each; the
// gradient reaching the output's identity node is grad_output, the one reaching the input's
// identity node is grad_input, and a tensor hook on that node can replace what flows upstream.
#include <fmt/format.h>

#include <mutex>

#include <xgrad/core/error.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

namespace {

/// y = x, recorded so that y gets a node of its own. d y / d x = 1.
struct BackwardHookIdentity : Function<BackwardHookIdentity> {
  static constexpr const char* name = "backward_hook";
  static Tensor forward(AutogradContext*, const Tensor& x) { return x; }
  static TensorList backward(AutogradContext*, TensorList grad_outputs) {
    return {grad_outputs[0]};
  }
};

/// One call of a module that has backward hooks: what its two identity nodes share.
struct BackwardCall {
  Module* module = nullptr;
  std::vector<std::shared_ptr<const BackwardHook>> hooks;
  bool input_hooked = false;
  std::mutex mutex;
  Tensor grad_output;  // set by the output's node, taken by the input's

  /// Runs the hooks in order; each sees the grad_input the previous one returned.
  Tensor run(Tensor grad_input, const Tensor& grad_output) const {
    for (const auto& hook : hooks) {
      Tensor replaced = (*hook)(*module, grad_input, grad_output);
      if (!replaced.defined()) continue;
      if (!grad_input.defined()) {
        throw ValueError(fmt::format(
            "{}: a full backward hook returned a grad_input, but the module's input does not "
            "require grad (there is no grad_input to replace)",
            module->name()));
      }
      if (replaced.shape() != grad_input.shape() || replaced.dtype() != grad_input.dtype()) {
        throw ShapeError(fmt::format(
            "{}: a full backward hook returned a grad_input of shape {} ({}), but the input is "
            "{} ({}): a replacement must match the input",
            module->name(), shape_str(replaced.shape()), dtype_name(replaced.dtype()),
            shape_str(grad_input.shape()), dtype_name(grad_input.dtype())));
      }
      grad_input = std::move(replaced);
    }
    return grad_input;
  }
};

}  // namespace

void ModuleHooks::remove(uint64_t id) {
  auto drop = [id](auto& list) {
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->first == id) {
        list.erase(it);
        return;
      }
    }
  };
  drop(forward_pre);
  drop(forward);
  drop(backward);
}

void HookHandle::remove() {
  if (auto hooks = hooks_.lock()) hooks->remove(id_);
  hooks_.reset();
}

bool HookHandle::active() const {
  auto hooks = hooks_.lock();
  if (!hooks) return false;
  auto has = [this](const auto& list) {
    for (const auto& entry : list)
      if (entry.first == id_) return true;
    return false;
  };
  return has(hooks->forward_pre) || has(hooks->forward) || has(hooks->backward);
}

template <class Fn>
HookHandle Module::add_hook(ModuleHooks::List<Fn> ModuleHooks::*list, Fn fn, const char* what) {
  if (!fn) throw ValueError(fmt::format("{}: register_{}: the hook is empty", name(), what));
  if (!hooks_) hooks_ = std::make_shared<ModuleHooks>();  // a moved-from module
  const uint64_t id = hooks_->next_id++;
  ((*hooks_).*list).emplace_back(id, std::make_shared<const Fn>(std::move(fn)));
  return HookHandle(hooks_, id);
}

HookHandle Module::add_forward_pre_hook(ForwardPreHook fn) {
  return add_hook(&ModuleHooks::forward_pre, std::move(fn), "forward_pre_hook");
}
HookHandle Module::add_forward_hook(ForwardHook fn) {
  return add_hook(&ModuleHooks::forward, std::move(fn), "forward_hook");
}
HookHandle Module::add_backward_hook(BackwardHook fn) {
  return add_hook(&ModuleHooks::backward, std::move(fn), "full_backward_hook");
}

Tensor Module::operator()(const Tensor& input) {
  if (!hooks_ || hooks_->empty()) return forward(input);  // the common case costs one test
  return call_with_hooks(input);
}

Tensor Module::call_with_hooks(const Tensor& input) {
  // A copy of the lists: a hook may add or remove hooks (its own included) while they run.
  const ModuleHooks hooks = *hooks_;
  Tensor x = input;
  for (const auto& entry : hooks.forward_pre) {
    Tensor replaced = (*entry.second)(*this, x);
    if (replaced.defined()) x = std::move(replaced);
  }

  std::shared_ptr<BackwardCall> call;
  if (!hooks.backward.empty() && GradMode::is_enabled()) {
    call = std::make_shared<BackwardCall>();
    call->module = this;
    for (const auto& entry : hooks.backward) call->hooks.push_back(entry.second);
    if (x.defined() && x.requires_grad()) {
      x = BackwardHookIdentity::apply(x);
      call->input_hooked = true;
      x.register_hook([call](const Tensor& grad_input) {
        Tensor grad_output;
        {
          std::lock_guard<std::mutex> lock(call->mutex);
          grad_output = std::move(call->grad_output);  // also breaks a create_graph cycle
          call->grad_output = Tensor();
        }
        Tensor result = call->run(grad_input, grad_output);
        return result.is_same(grad_input) ? Tensor() : result;
      });
    }
  }

  Tensor output = forward(x);
  for (const auto& entry : hooks.forward) {
    Tensor replaced = (*entry.second)(*this, x, output);
    if (replaced.defined()) output = std::move(replaced);
  }

  if (call && output.defined() && output.requires_grad()) {
    output = BackwardHookIdentity::apply(output);
    output.register_hook([call](const Tensor& grad_output) {
      if (call->input_hooked) {
        std::lock_guard<std::mutex> lock(call->mutex);
        call->grad_output = grad_output;
      } else {
        call->run(Tensor(), grad_output);  // no grad_input: the hooks see it undefined
      }
      return Tensor();
    });
  }
  return output;
}

}  // namespace xgrad::nn
