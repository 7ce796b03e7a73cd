// nn::Dropout: the module form of the dropout op, switched by the module's training mode.
#include <xgrad/nn/dropout.hpp>

#include <fmt/format.h>

#include <xgrad/core/error.hpp>
#include <xgrad/ops/functional.hpp>

namespace xgrad::nn {

Dropout::Dropout(double p) : p_(p) {
  // Written as !(in range) so that NaN is refused too.
  if (!(p >= 0 && p < 1)) {
    throw ValueError(
        fmt::format("Dropout: probability p = {} is outside [0, 1); p is the chance "
                    "of zeroing an element (p = 1 would zero everything)",
                    p));
  }
}

Tensor Dropout::forward(const Tensor& input) {
  return dropout(input, p_, is_training());
}

std::string Dropout::extra_repr() const {
  return fmt::format("p={}", p_);
}

}  // namespace xgrad::nn
