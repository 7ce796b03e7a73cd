#pragma once
// nn::Functional: a module made from a function, as libtorch's torch::nn::Functional, to put
// a plain op into a Sequential:
//   seq->push_back(xgrad::nn::Functional(xgrad::relu));
//   xgrad::nn::Functional lrelu(xgrad::leaky_relu, 0.2);   // extra arguments are bound
#include <functional>
#include <utility>

#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

class Functional : public Module {
 public:
  explicit Functional(std::function<Tensor(const Tensor&)> fn) : fn_(std::move(fn)) {}
  /// fn(x, args...) with the extra arguments bound now.
  template <class F, class A, class... Rest>
  Functional(F&& fn, A&& arg, Rest&&... rest)
      : fn_([fn = std::forward<F>(fn),
             bound = std::make_tuple(std::forward<A>(arg), std::forward<Rest>(rest)...)](
                const Tensor& x) {
          return std::apply([&](const auto&... a) { return Tensor(fn(x, a...)); }, bound);
        }) {}
  Tensor forward(const Tensor& input) override { return fn_(input); }
  std::string name() const override { return "Functional"; }
  XGRAD_CLONE_BY_COPY(Functional)

 private:
  std::function<Tensor(const Tensor&)> fn_;
};

}  // namespace xgrad::nn
