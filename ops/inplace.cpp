// In-place methods, used by optimizers and initialisers. They change the data, bump the
// version counter (so a stale saved tensor is detected), and are never recorded: changing a
// tensor that requires grad in place is refused while grad mode is on.
#include <fmt/format.h>

#include "core/creation.hpp"
#include "core/grad_mode.hpp"
#include "ops/kernels.hpp"

namespace xgrad {
namespace {

void check_inplace(const Tensor& self, const char* op) {
  if (!self.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
  if (self.requires_grad() && GradMode::is_enabled()) {
    throw AutogradError(fmt::format(
        "{}: in-place change of a tensor of shape {} that requires grad would not be recorded; "
        "do it under NoGradGuard (as optimizers do) or on a detach()ed copy",
        op, shape_str(self.shape())));
  }
}

/// A one-element tensor of self's dtype holding `value`, to reuse the tensor kernels.
Tensor scalar_like(const Tensor& self, double value) {
  return full({}, value, self.dtype());
}

}  // namespace

const Tensor& Tensor::add_(const Tensor& other, double alpha) const {
  check_inplace(*this, "add_");
  if (alpha != 1.0) {
    NoGradGuard no_grad;
    return add_(other * alpha);
  }
  kernels::binary_inplace(*this, other, "add_", [](auto&& s, auto&& o) { return s + o; });
  return *this;
}

const Tensor& Tensor::sub_(const Tensor& other, double alpha) const {
  return add_(other, -alpha);
}
const Tensor& Tensor::add_(double value) const {
  return add_(scalar_like(*this, value));
}

const Tensor& Tensor::mul_(const Tensor& other) const {
  check_inplace(*this, "mul_");
  kernels::binary_inplace(*this, other, "mul_", [](auto&& s, auto&& o) { return s * o; });
  return *this;
}
const Tensor& Tensor::mul_(double value) const {
  return mul_(scalar_like(*this, value));
}

const Tensor& Tensor::div_(const Tensor& other) const {
  check_inplace(*this, "div_");
  kernels::binary_inplace(*this, other, "div_", [](auto&& s, auto&& o) { return s / o; });
  return *this;
}
const Tensor& Tensor::div_(double value) const {
  return div_(scalar_like(*this, value));
}

const Tensor& Tensor::fill_(double value) const {
  check_inplace(*this, "fill_");
  visit_dtype(dtype(), [&](auto z) {
    using T = decltype(z);
    std::fill_n(raw_data<T>(*this), numel(), static_cast<T>(value));
  });
  bump_version();
  return *this;
}
const Tensor& Tensor::zero_() const {
  return fill_(0.0);
}

const Tensor& Tensor::copy_(const Tensor& source) const {
  check_inplace(*this, "copy_");
  if (!source.defined()) throw ValueError("copy_: the source tensor is undefined");
  const Tensor src = source.dtype() == dtype() ? source : source.detach().to(dtype());
  kernels::binary_inplace(*this, src, "copy_", [](auto&&, auto&& o) { return o; });
  return *this;
}

Tensor& Tensor::operator+=(const Tensor& other) {
  add_(other);
  return *this;
}
Tensor& Tensor::operator-=(const Tensor& other) {
  sub_(other);
  return *this;
}
Tensor& Tensor::operator*=(const Tensor& other) {
  mul_(other);
  return *this;
}
Tensor& Tensor::operator/=(const Tensor& other) {
  div_(other);
  return *this;
}

}  // namespace xgrad
