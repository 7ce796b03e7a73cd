// In-place methods, used by optimizers and initialisers. They change the data, bump the
// version counter (so a stale saved tensor is detected), and are never recorded: changing a
// tensor that requires grad in place is refused while grad mode is on.
#include <fmt/format.h>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/detail/promote.hpp>

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
    kernels::check_binary(*this, other, "add_");
    if (other.shape() != shape() || !is_contiguous()) {  // broadcast or a view: rare
      NoGradGuard no_grad;
      return add_(other * alpha);
    }
    // self += alpha * other as one loop, without an alpha * other temporary (the optimizers'
    // hot path); alpha is rounded to the dtype first, as (other * alpha) did.
    const Tensor o = dense(other);
    visit_floating(dtype(), "add_", [&](auto z) {
      using T = decltype(z);
      T* ps = raw_data<T>(*this);
      const T* po = raw_data<T>(o);
      const T a = static_cast<T>(alpha);
      parallel_for(numel(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) ps[i] = ps[i] + po[i] * a;
      });
    });
    bump_version();
    return *this;
  }
  kernels::binary_inplace(*this, other, "add_", [](auto&& s, auto&& o) { return s + o; });
  return *this;
}

const Tensor& Tensor::sub_(const Tensor& other, double alpha) const {
  if (defined() && other.defined()) check_sub_dtypes(dtype(), other.dtype(), "sub_");
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
  check_inplace(*this, "mul_");
  if (!is_floating(dtype()) || !is_contiguous()) return mul_(scalar_like(*this, value));
  // self *= c as one loop, no one-element tensor for c (weight decay and momentum run this).
  visit_floating(dtype(), "mul_", [&](auto z) {
    using T = decltype(z);
    T* ps = raw_data<T>(*this);
    const T c = static_cast<T>(value);
    parallel_for(numel(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) ps[i] *= c;
    });
  });
  bump_version();
  return *this;
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
  if (!is_contiguous()) {  // a view: fill a contiguous tensor, scatter it into the view
    kernels::check_no_overlap(*this, "fill_");
    strided_copy(*full(shape(), value, dtype()).impl(), *impl());
    bump_version();
    return *this;
  }
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
