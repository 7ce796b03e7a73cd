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
// Copying a module copies handles: the copy shares the parameters (like copying a Tensor).
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../core/tensor.hpp"

namespace xgrad::nn {

/// (dotted name, tensor) pairs in registration order, depth first.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

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
  /// Same as forward(input).  Example: auto y = model(x);
  Tensor operator()(const Tensor& input) { return forward(input); }

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

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;
  void collect(const std::string& prefix, bool recurse, bool want_parameters,
               NamedTensors& out) const;
  void summarize(std::string& out, const std::string& label, int depth) const;

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// Prints Module::summary().  Example: std::cout << model;
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace xgrad::nn
