// Activation functions: forward and backward side by side.
#include "ops/activation.hpp"

#include "core/function.hpp"
#include "ops/builtin.hpp"
#include "ops/kernels.hpp"

namespace xgrad {
namespace {

/// 1 where x > 0, else 0: a constant (not differentiable) mask.
Tensor positive_mask(const Tensor& x) {
  return kernels::unary(x, "relu", [](auto v) { return v > 0 ? decltype(v)(1) : decltype(v)(0); });
}

struct Relu : Function<Relu> {
  static constexpr const char* name = "relu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y = kernels::unary(x, name, [](auto v) { return v > 0 ? v : decltype(v)(0); });
    ctx->save_for_backward({y});
    return y;
  }
  // d relu(x) = [x > 0] dx; the mask is read from the output (y > 0 exactly where x > 0)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * positive_mask(ctx->get_saved_variables()[0].detach())};
  }
};

}  // namespace

Tensor relu(const Tensor& x) {
  return Relu::apply(x);
}
Tensor Tensor::relu() const {
  return xgrad::relu(*this);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> activation_op_schemas() { return {unary_schema("relu", relu)}; }
}  // namespace xgrad::ops
