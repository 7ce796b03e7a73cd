#pragma once
// nn::Module: the base of every layer and model, as in PyTorch's C++ frontend. A module owns
// named parameters (tensors that require grad and that an optimizer updates), named buffers
// (state that is saved but not trained, such as BatchNorm's running mean) and named child
// modules; everything is found recursively under dotted names ("layers.0.weight").
//
//   struct Net : xgrad::nn::Module {
//     std::shared_ptr<xgrad::nn::Linear> fc1, fc2;
//     Net() {
//       fc1 = register_module("fc1", std::make_shared<xgrad::nn::Linear>(784, 64));
//       fc2 = register_module("fc2", std::make_shared<xgrad::nn::Linear>(64, 10));
//     }
//     xgrad::Tensor forward(const xgrad::Tensor& x) override { return (*fc2)(xgrad::relu((*fc1)(x))); }
//   };
//
// Copying a module copies handles: the copy shares the parameters (like copying a Tensor),
// its children and its hooks. clone() is the deep copy (libtorch's module->clone()): new
// parameters and buffers with the same data and requires_grad, children cloned, the training
// flag kept, no hooks; it shares nothing with the original. The built-in modules have it; a
// user's module gets it by deriving from nn::Cloneable<Self> (nn/cloneable.hpp) and
// registering its parameters, buffers and submodules in reset(), as in libtorch.
//
// Hooks (PyTorch's register_forward_pre_hook / register_forward_hook /
// register_full_backward_hook) let tools see each layer's activations and gradients without
// changing the model; they run when the module is called as `module(x)` (containers and MLP
// call their children that way), not when forward() is called directly:
//   auto h = fc->register_forward_hook([](Module& m, const Tensor& in, const Tensor& out) {...});
//   h.remove();
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad::nn {

/// A (dotted name, tensor) pair, read as std::pair (.first/.second, structured bindings) or as
/// libtorch's OrderedDict item (.key()/.value()).
struct NamedTensor : std::pair<std::string, Tensor> {
  using std::pair<std::string, Tensor>::pair;
  const std::string& key() const { return first; }
  const Tensor& value() const { return second; }
  Tensor& value() { return second; }
};
/// (dotted name, tensor) pairs in registration order, depth first.
using NamedTensors = std::vector<NamedTensor>;

class Module;

/// Runs before forward with the input; a defined return value replaces the input.
using ForwardPreHook = std::function<Tensor(Module& module, const Tensor& input)>;
/// Runs after forward; a defined return value replaces the output.
using ForwardHook =
    std::function<Tensor(Module& module, const Tensor& input, const Tensor& output)>;
/// Runs in backward once the gradient with respect to the module's input is known. grad_input
/// is undefined when the input does not require grad (the first layer's data); a defined
/// return value (same shape and dtype) replaces grad_input upstream. May run on a worker
/// thread of the backward engine, concurrently with other hooks.
using BackwardHook =
    std::function<Tensor(Module& module, const Tensor& grad_input, const Tensor& grad_output)>;

/// A module's hooks, shared by its copies. Internal: use the register_*_hook methods.
struct ModuleHooks {
  template <class Fn>
  using List = std::vector<std::pair<uint64_t, std::shared_ptr<const Fn>>>;
  List<ForwardPreHook> forward_pre;
  List<ForwardHook> forward;
  List<BackwardHook> backward;
  uint64_t next_id = 1;
  bool empty() const { return forward_pre.empty() && forward.empty() && backward.empty(); }
  /// Removes the hook with this id from whichever list holds it.
  void remove(uint64_t id);
};

/// What register_*_hook returns: remove() takes the hook out. Removing twice, or after the
/// module is gone, does nothing.  Example: auto h = m.register_forward_hook(f); h.remove();
class HookHandle {
 public:
  HookHandle() = default;
  HookHandle(std::weak_ptr<ModuleHooks> hooks, uint64_t id) : hooks_(std::move(hooks)), id_(id) {}
  void remove();
  /// Whether the hook is still registered.
  bool active() const;

 private:
  std::weak_ptr<ModuleHooks> hooks_;
  uint64_t id_ = 0;
};

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module(Module&&) = default;
  Module& operator=(const Module&) = default;
  Module& operator=(Module&&) = default;

  /// The computation of a single-input module. Modules that take other inputs (losses) define
  /// their own; calling this on them is a ValueError.
  virtual Tensor forward(const Tensor& input);
  /// forward(input) with the hooks around it: forward pre-hooks, forward, forward hooks, and
  /// for backward hooks an identity node on each side so that backward sees this call's
  /// gradients. Without hooks it is forward(input).  Example: auto y = model(x);
  Tensor operator()(const Tensor& input);
  /// Whether any forward pre-, forward or backward hook is registered on this module (not its
  /// children). Containers fuse a Linear and a ReLU only when neither has hooks.
  bool has_hooks() const { return hooks_ && !hooks_->empty(); }

  // ---- hooks (PyTorch's semantics; hooks run in registration order) -------------------------
  /// fn(module, input) before forward; may return a replacement input (or void / undefined).
  ///   m.register_forward_pre_hook([](Module&, const Tensor& x) { return x * 2.0; });
  template <class F>
  HookHandle register_forward_pre_hook(F&& fn) {
    return add_forward_pre_hook(as_hook<ForwardPreHook, const Tensor&>(std::forward<F>(fn)));
  }
  /// fn(module, input, output) after forward; may return a replacement output.
  ///   m.register_forward_hook([&](Module&, const Tensor&, const Tensor& y) { seen.push_back(y);
  ///   });
  template <class F>
  HookHandle register_forward_hook(F&& fn) {
    return add_forward_hook(
        as_hook<ForwardHook, const Tensor&, const Tensor&>(std::forward<F>(fn)));
  }
  /// fn(module, grad_input, grad_output) during backward (see BackwardHook); may return a
  /// replacement grad_input. Hooks registered while the module runs apply from its next call.
  ///   m.register_full_backward_hook([](Module&, const Tensor& gi, const Tensor& go) { ... });
  template <class F>
  HookHandle register_full_backward_hook(F&& fn) {
    return add_backward_hook(
        as_hook<BackwardHook, const Tensor&, const Tensor&>(std::forward<F>(fn)));
  }
  /// The same, taking the std::function types (a void-returning lambda goes through the
  /// register_* templates above).
  HookHandle add_forward_pre_hook(ForwardPreHook fn);
  HookHandle add_forward_hook(ForwardHook fn);
  HookHandle add_backward_hook(BackwardHook fn);

  /// A deep copy sharing nothing with this module (see the top of this file); returned as a
  /// Module, cast it back with std::dynamic_pointer_cast.  ValueError for a module that does
  /// not implement it (derive it from nn::Cloneable<YourModule>, or override clone()).
  ///   Example: auto copy = std::dynamic_pointer_cast<Net>(net->clone());
  virtual std::shared_ptr<Module> clone() const;

  /// The type name shown in summaries ("Linear").
  virtual std::string name() const { return "Module"; }
  /// The constructor arguments shown in summaries ("in_features=2, out_features=3, bias=true").
  virtual std::string extra_repr() const { return ""; }

  // ---- registration (call from a subclass constructor) ---------------------------------------
  /// Adds a trainable tensor under `name` (no dots); marks it requires_grad.
  ///   weight = register_parameter("weight", xgrad::zeros({out, in}));
  Tensor register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  /// Adds saved, untrained state under `name`.  Example: register_buffer("running_mean", zeros({n}));
  Tensor register_buffer(const std::string& name, Tensor tensor);
  /// Adds a child module under `name`; returns it, typed.
  ///   fc = register_module("fc", std::make_shared<Linear>(4, 2));
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    add_child(name, module);
    return module;
  }
  /// By value, as libtorch's register_module("fc", nn::Linear(4, 2)): the module is moved
  /// into a shared_ptr, which is returned (the parameters are the moved module's).
  template <class M, std::enable_if_t<std::is_base_of_v<Module, std::decay_t<M>> &&
                                          !std::is_lvalue_reference_v<M>,
                                      int> = 0>
  std::shared_ptr<std::decay_t<M>> register_module(const std::string& name, M&& module) {
    return register_module(name, std::make_shared<std::decay_t<M>>(std::move(module)));
  }

  // ---- traversal ----------------------------------------------------------------------------
  /// Every parameter, this module's first, then each child's in registration order.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// Parameters with dotted names.  Example: for (auto& [name, p] : model.named_parameters())
  NamedTensors named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  NamedTensors named_buffers(bool recurse = true) const;
  /// Parameters then buffers, with dotted names: what a checkpoint holds.
  NamedTensors state_dict() const;
  /// This module and every descendant, depth first, with dotted names ("" for this one).
  ///   for (auto& [name, m] : model.named_modules()) std::cout << name << " " << m->name();
  std::vector<std::pair<std::string, Module*>> named_modules();
  /// Calls fn on this module and every descendant, depth first (e.g. to re-initialise).
  ///   model.apply([](Module& m) { if (auto* l = dynamic_cast<Linear*>(&m)) l->reset_parameters(); });
  void apply(const std::function<void(Module&)>& fn);
  /// The direct children.
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }

  // ---- mode and state -----------------------------------------------------------------------
  /// Sets training mode here and in every descendant (Dropout drops, BatchNorm uses batch stats).
  virtual void train(bool on = true);
  /// Same as train(false).
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// Clears the gradient of every parameter (undefined when set_to_none, else zeros).
  void zero_grad(bool set_to_none = true);
  /// Converts every parameter and floating buffer to `dtype`, in place: handles held by the
  /// module and by the user keep pointing at the converted tensors. Gradients are cleared.
  void to(DType dtype);
  /// Number of parameter elements (trainable only when `trainable_only`).
  int64_t num_parameters(bool trainable_only = false) const;

  /// The multi-line summary operator<< prints: one line per module with its parameters'
  /// shapes and counts, and the totals.
  std::string summary() const;

 protected:
  /// Finishes a clone: `fresh` (a module of this one's class, newly made with the same
  /// structure) receives copies of this module's parameters and buffers, recursively, and its
  /// training flags; ValueError naming the first difference in structure.
  ///   Example: return cloned_into(std::make_shared<Linear>(options_));
  std::shared_ptr<Module> cloned_into(std::shared_ptr<Module> fresh) const;
  /// Forgets every registered parameter, buffer and child, and the hooks (Cloneable's copy
  /// before reset()).
  void clear_registrations();

 private:
  void copy_state_from(const Module& source, const std::string& path);
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;
  void collect(const std::string& prefix, bool recurse, bool want_parameters,
               NamedTensors& out) const;
  void summarize(std::string& out, const std::string& label, int depth) const;
  Tensor call_with_hooks(const Tensor& input);
  /// A hook callable as Fn; one returning void is wrapped to return an undefined Tensor.
  template <class Fn, class... Args, class F>
  static Fn as_hook(F&& fn) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, Module&, Args...>>) {
      return [f = std::forward<F>(fn)](Module& m, Args... args) {
        f(m, args...);
        return Tensor();
      };
    } else {
      return Fn(std::forward<F>(fn));
    }
  }
  template <class Fn>
  HookHandle add_hook(ModuleHooks::List<Fn> ModuleHooks::*list, Fn fn, const char* what);

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
  std::shared_ptr<ModuleHooks> hooks_ = std::make_shared<ModuleHooks>();
};

/// The clone() of a module whose copy constructor already copies everything it holds (no
/// parameters, buffers or children: activations, Dropout, losses).  Use inside the class.
#define XGRAD_CLONE_BY_COPY(Type)                               \
  std::shared_ptr<::xgrad::nn::Module> clone() const override { \
    return cloned_into(std::make_shared<Type>(*this));          \
  }

/// Prints Module::summary().  Example: std::cout << model;
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace xgrad::nn
