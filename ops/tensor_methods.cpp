// libtorch's Tensor methods (issue 13): each calls the free function of the same name, so
// behaviour and errors live in one place (ops/*.cpp). item<T> and the scalar compound
// assignments are here too.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/activation.hpp>
#include <xgrad/ops/compare.hpp>
#include <xgrad/ops/detail/promote.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/functional.hpp>
#include <xgrad/ops/linalg.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {

template <class T>
T Tensor::item() const {
  const double v = item();  // checks one element; exact for every int64 up to 2^53
  if constexpr (std::is_same_v<T, bool>) {
    return v != 0;
  } else if constexpr (std::is_integral_v<T>) {
    if (dtype() == DType::Int64) {
      const int64_t i = *data_ptr<int64_t>();  // exact beyond 2^53 too (a view's own element)
      if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
          i > static_cast<int64_t>(std::numeric_limits<T>::max()))
        throw ValueError(fmt::format("item: {} does not fit the requested integer type", i));
      return static_cast<T>(i);
    }
    const auto lv = static_cast<long double>(v);
    if (!std::isfinite(v) || lv < static_cast<long double>(std::numeric_limits<T>::min()) ||
        lv >= static_cast<long double>(std::numeric_limits<T>::max()) + 1.0L)
      throw ValueError(fmt::format("item: {} ({}) does not fit the requested integer type", v,
                                   dtype_name(dtype())));
    return static_cast<T>(v);  // truncates toward zero, as libtorch
  } else {
    return static_cast<T>(v);
  }
}
template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template int64_t Tensor::item<int64_t>() const;
template int Tensor::item<int>() const;
template bool Tensor::item<bool>() const;
template long long Tensor::item<long long>() const;

Tensor Tensor::var(IntArrayRef dims, bool unbiased, bool keepdim) const {
  return xgrad::var(*this, dims, unbiased, keepdim);
}
Tensor Tensor::std(IntArrayRef dims, bool unbiased, bool keepdim) const {
  return xgrad::std(*this, dims, unbiased, keepdim);
}
Tensor Tensor::norm(double p, IntArrayRef dims, bool keepdim) const {
  return xgrad::norm(*this, p, dims, keepdim);
}
Tensor Tensor::logsumexp(IntArrayRef dims, bool keepdim) const {
  return xgrad::logsumexp(*this, dims, keepdim);
}
Tensor Tensor::max() const {
  return xgrad::max(*this);
}
Tensor Tensor::min() const {
  return xgrad::min(*this);
}
ValuesIndices Tensor::max(int64_t dim, bool keepdim) const {
  return xgrad::max(*this, dim, keepdim);
}
ValuesIndices Tensor::min(int64_t dim, bool keepdim) const {
  return xgrad::min(*this, dim, keepdim);
}
Tensor Tensor::argmax() const {
  return xgrad::argmax(*this);
}
Tensor Tensor::argmax(int64_t dim, bool keepdim) const {
  return xgrad::argmax(*this, dim, keepdim);
}
Tensor Tensor::argmin() const {
  return xgrad::argmin(*this);
}
Tensor Tensor::argmin(int64_t dim, bool keepdim) const {
  return xgrad::argmin(*this, dim, keepdim);
}
ValuesIndices Tensor::topk(int64_t k, int64_t dim, bool largest, bool sorted) const {
  return xgrad::topk(*this, k, dim, largest, sorted);
}
ValuesIndices Tensor::sort(int64_t dim, bool descending) const {
  return xgrad::sort(*this, dim, descending);
}
Tensor Tensor::cumsum(int64_t dim) const {
  return xgrad::cumsum(*this, dim);
}
Tensor Tensor::any() const {
  return xgrad::any(*this);
}
Tensor Tensor::any(int64_t dim, bool keepdim) const {
  return xgrad::any(*this, dim, keepdim);
}
Tensor Tensor::all() const {
  return xgrad::all(*this);
}
Tensor Tensor::all(int64_t dim, bool keepdim) const {
  return xgrad::all(*this, dim, keepdim);
}

Tensor Tensor::abs() const {
  return xgrad::abs(*this);
}
Tensor Tensor::sqrt() const {
  return xgrad::sqrt(*this);
}
Tensor Tensor::square() const {
  return xgrad::pow(*this, 2.0);
}
Tensor Tensor::neg() const {
  return xgrad::neg(*this);
}
Tensor Tensor::sin() const {
  return xgrad::sin(*this);
}
Tensor Tensor::cos() const {
  return xgrad::cos(*this);
}
Tensor Tensor::sigmoid() const {
  return xgrad::sigmoid(*this);
}
Tensor Tensor::tanh() const {
  return xgrad::tanh(*this);
}
Tensor Tensor::pow(const Tensor& exponent) const {
  return xgrad::pow(*this, exponent);
}
Tensor Tensor::softmax(int64_t dim) const {
  return xgrad::softmax(*this, dim);
}
Tensor Tensor::log_softmax(int64_t dim) const {
  return xgrad::log_softmax(*this, dim);
}
Tensor Tensor::clamp(double lo, double hi) const {
  return xgrad::clamp(*this, lo, hi);
}
Tensor Tensor::clamp_min(double lo) const {
  return xgrad::clamp(*this, lo, std::numeric_limits<double>::infinity());
}
Tensor Tensor::clamp_max(double hi) const {
  return xgrad::clamp(*this, -std::numeric_limits<double>::infinity(), hi);
}

Tensor Tensor::view(IntArrayRef shape) const {
  return xgrad::view(*this, shape);
}
Tensor Tensor::view_as(const Tensor& other) const {
  return xgrad::view(*this, other.shape());
}
Tensor Tensor::reshape_as(const Tensor& other) const {
  return xgrad::reshape(*this, other.shape());
}
Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  return xgrad::flatten(*this, start_dim, end_dim);
}
Tensor Tensor::squeeze() const {
  return xgrad::squeeze(*this);
}
Tensor Tensor::squeeze(int64_t dim) const {
  return xgrad::squeeze(*this, dim);
}
Tensor Tensor::unsqueeze(int64_t dim) const {
  return xgrad::unsqueeze(*this, dim);
}
Tensor Tensor::permute(IntArrayRef dims) const {
  return xgrad::permute(*this, dims);
}
Tensor Tensor::expand(IntArrayRef shape) const {
  return xgrad::expand(*this, shape);
}
Tensor Tensor::expand_as(const Tensor& other) const {
  return xgrad::expand_as(*this, other);
}
Tensor Tensor::mm(const Tensor& other) const {
  return xgrad::mm(*this, other);
}
Tensor Tensor::select(int64_t dim, int64_t index) const {
  return xgrad::select(*this, dim, index);
}
Tensor Tensor::slice(int64_t dim, int64_t start, int64_t end, int64_t step) const {
  return xgrad::slice(*this, dim, start, end, step);
}
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return xgrad::narrow(*this, dim, start, length);
}
TensorList Tensor::chunk(int64_t chunks, int64_t dim) const {
  return xgrad::chunk(*this, chunks, dim);
}
TensorList Tensor::split(int64_t split_size, int64_t dim) const {
  return xgrad::split(*this, split_size, dim);
}
Tensor Tensor::index_select(int64_t dim, const Tensor& index) const {
  return xgrad::index_select(*this, dim, index);
}
Tensor Tensor::gather(int64_t dim, const Tensor& index) const {
  return xgrad::gather(*this, dim, index);
}
Tensor Tensor::masked_fill(const Tensor& mask, double value) const {
  return xgrad::masked_fill(*this, mask, value);
}

Tensor Tensor::add(const Tensor& other, double alpha) const {
  return alpha == 1.0 ? xgrad::add(*this, other) : xgrad::add(*this, other * alpha);
}
Tensor Tensor::add(double other) const {
  return *this + other;
}
Tensor Tensor::sub(const Tensor& other, double alpha) const {
  // Checked before `other * alpha` would turn a bool operand into a number.
  if (defined() && other.defined()) check_sub_dtypes(dtype(), other.dtype(), "sub");
  return alpha == 1.0 ? xgrad::sub(*this, other) : xgrad::sub(*this, other * alpha);
}
Tensor Tensor::sub(double other) const {
  return *this - other;
}
Tensor Tensor::mul(const Tensor& other) const {
  return xgrad::mul(*this, other);
}
Tensor Tensor::mul(double other) const {
  return *this * other;
}
Tensor Tensor::div(const Tensor& other) const {
  return xgrad::div(*this, other);
}
Tensor Tensor::div(double other) const {
  return *this / other;
}
Tensor Tensor::type_as(const Tensor& other) const {
  return to(other.dtype());
}

namespace {
/// self op= c for an int64/bool tensor: computed out of place, written back (the dtype must
/// stay: x_int *= 0.5 is an error in libtorch too).
void integral_compound(const Tensor& self, double c, char op) {
  const Tensor r = promoted_scalar(self, c, op);
  if (r.dtype() != self.dtype()) {
    throw DTypeError(fmt::format(
        "operator{}=: the result of a {} tensor {} {} is {}, which cannot be written back "
        "into the {} tensor (as in libtorch); write x = x {} {} instead",
        op, dtype_name(self.dtype()), op, c, dtype_name(r.dtype()), dtype_name(self.dtype()), op,
        c));
  }
  strided_copy(*r.impl(), *self.impl());  // self may be a view
  self.bump_version();
}
}  // namespace

Tensor& Tensor::operator+=(double value) {
  if (needs_promotion(*this))
    integral_compound(*this, value, '+');
  else
    add_(value);
  return *this;
}
Tensor& Tensor::operator-=(double value) {
  if (needs_promotion(*this))
    integral_compound(*this, value, '-');
  else
    add_(-value);
  return *this;
}
Tensor& Tensor::operator*=(double value) {
  if (needs_promotion(*this))
    integral_compound(*this, value, '*');
  else
    mul_(value);
  return *this;
}
Tensor& Tensor::operator/=(double value) {
  if (needs_promotion(*this))
    integral_compound(*this, value, '/');
  else
    div_(value);
  return *this;
}

}  // namespace xgrad
