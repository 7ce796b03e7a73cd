#pragma once
// nn::Cloneable<Derived>: clone() for a user's module, as libtorch's torch::nn::Cloneable. The
// module registers its parameters, buffers and submodules in reset(), which its constructor
// calls; clone() copy-constructs the module (options and plain members come along), forgets
// the copied registrations, calls reset() on the copy (new tensors and submodules, with the
// members pointing at them), then copies the original's data, requires_grad and training
// flags into them, recursively:
//
//   struct Net : xgrad::nn::Cloneable<Net> {
//     explicit Net(int64_t hidden) : hidden(hidden) { reset(); }
//     void reset() override {
//       fc1 = register_module("fc1", std::make_shared<xgrad::nn::Linear>(4, hidden));
//       fc2 = register_module("fc2", std::make_shared<xgrad::nn::Linear>(hidden, 1));
//     }
//     xgrad::Tensor forward(const xgrad::Tensor& x) override { return (*fc2)(xgrad::relu((*fc1)(x))); }
//     int64_t hidden;
//     std::shared_ptr<xgrad::nn::Linear> fc1, fc2;
//   };
//   auto copy = std::dynamic_pointer_cast<Net>(net->clone());   // shares nothing with net
//
// A module that registers in its constructor instead of reset() gets a ValueError from clone()
// naming what the copy lacks. reset() draws new initial values (it consumes random numbers)
// before they are overwritten by the original's.
#include <memory>

#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

template <class Derived>
class Cloneable : public Module {
 public:
  using Module::Module;

  /// (Re)registers every parameter, buffer and submodule; called by the constructor and by
  /// clone() on the copy.
  virtual void reset() = 0;

  /// The deep copy (see above).  Example: auto copy = net->clone();
  std::shared_ptr<Module> clone() const override {
    static_assert(std::is_base_of_v<Cloneable<Derived>, Derived>,
                  "Cloneable<Derived>: Derived must derive from Cloneable<Derived>");
    static_assert(std::is_copy_constructible_v<Derived>,
                  "Cloneable<Derived>: clone() copy-constructs Derived first");
    auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
    copy->clear_registrations();
    copy->reset();
    return cloned_into(copy);
  }
};

}  // namespace xgrad::nn
