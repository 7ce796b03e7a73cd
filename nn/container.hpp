#pragma once
// Containers: ModuleList holds modules under the names "0", "1", ... (so their parameters read
// "0.weight", "1.weight"); Sequential is a ModuleList whose forward feeds each module's output
// to the next.
//
//   xgrad::nn::Sequential net(xgrad::nn::Linear(2, 8), xgrad::nn::ReLU(), xgrad::nn::Linear(8, 1));
//   net.push_back(xgrad::nn::Sigmoid());
//   auto y = net(x);
#include <memory>
#include <type_traits>

#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

class ModuleList : public Module {
 public:
  ModuleList() = default;
  /// Takes modules by value (stored as copies sharing their parameters) or as shared_ptr.
  template <class First, class... Rest,
            class = std::enable_if_t<!std::is_base_of_v<ModuleList, std::decay_t<First>>>>
  explicit ModuleList(First&& first, Rest&&... rest) {
    push_back(std::forward<First>(first));
    (push_back(std::forward<Rest>(rest)), ...);
  }

  /// Appends a module under the next index.  Example: list.push_back(Linear(4, 4));
  template <class M>
  void push_back(M&& module) {
    using Decayed = std::decay_t<M>;
    if constexpr (std::is_base_of_v<Module, Decayed>) {
      append(std::make_shared<Decayed>(std::forward<M>(module)));
    } else {
      append(std::shared_ptr<Module>(std::forward<M>(module)));
    }
  }

  size_t size() const { return modules_.size(); }
  bool empty() const { return modules_.empty(); }
  /// The module at `index` (IndexError past the end).
  const std::shared_ptr<Module>& at(size_t index) const;
  const std::shared_ptr<Module>& operator[](size_t index) const { return at(index); }
  /// The module at `index` as type M (ValueError if it is another type).
  ///   auto fc = list.at<Linear>(0);
  template <class M>
  std::shared_ptr<M> at(size_t index) const {
    auto typed = std::dynamic_pointer_cast<M>(at(index));
    if (!typed) throw_wrong_type(index);
    return typed;
  }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

  std::string name() const override { return "ModuleList"; }
  /// A deep copy: a new ModuleList of clones of the modules.
  std::shared_ptr<Module> clone() const override;

 private:
  void append(std::shared_ptr<Module> module);
  [[noreturn]] void throw_wrong_type(size_t index) const;
  std::vector<std::shared_ptr<Module>> modules_;
};

class Sequential : public ModuleList {
 public:
  using ModuleList::ModuleList;
  /// Applies the modules in order.
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Sequential"; }
  /// A deep copy: a new Sequential of clones of the modules.
  std::shared_ptr<Module> clone() const override;
};

}  // namespace xgrad::nn
