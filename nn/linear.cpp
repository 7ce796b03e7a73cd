#include <xgrad/nn/linear.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/nn/init.hpp>
#include <xgrad/ops/linalg.hpp>

namespace xgrad::nn {

Linear::Linear(const LinearOptions& options) : options_(options) {
  if (options.in_features_ <= 0 || options.out_features_ <= 0) {
    throw ValueError(
        fmt::format("Linear: in_features and out_features must be positive, got {} "
                    "and {}",
                    options.in_features_, options.out_features_));
  }
  if (!is_floating(options.dtype_))
    throw DTypeError(fmt::format("Linear: parameters must be float32 or float64, got {}",
                                 dtype_name(options.dtype_)));
  weight = register_parameter("weight",
                              zeros({options.out_features_, options.in_features_}, options.dtype_));
  if (options.bias_)
    bias = register_parameter("bias", zeros({options.out_features_}, options.dtype_));
  reset_parameters();
}

void Linear::reset_parameters() {
  // kaiming_uniform_(a=√5) gives bound = √(6/((1+5)·fan_in)) = 1/√fan_in: PyTorch's default.
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(options_.in_features_));
    init::uniform_(bias, -bound, bound);
  }
}

void Linear::check_input(const Tensor& input) const {
  if (!input.defined() || input.dim() == 0 || input.size(-1) != options_.in_features_) {
    throw ShapeError(fmt::format(
        "Linear: expected input of shape [*, {}], got {}; the last dimension must equal "
        "in_features",
        options_.in_features_, input.defined() ? shape_str(input.shape()) : "<undefined>"));
  }
}

Tensor Linear::forward(const Tensor& input) {
  check_input(input);
  return linear(input, weight, bias);
}

Tensor Linear::forward_relu(const Tensor& input) {
  check_input(input);
  return linear_relu(input, weight, bias);
}

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", options_.in_features_,
                     options_.out_features_, bias.defined());
}

std::shared_ptr<Module> Linear::clone() const {
  return cloned_into(std::make_shared<Linear>(options_));
}

}  // namespace xgrad::nn
