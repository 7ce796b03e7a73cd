#pragma once
// Moving data between xtensor and xgrad (copies).
//   auto t = xgrad::from_xarray(xt::xarray<double>{{1, 2}, {3, 4}});   // float64 tensor
//   xt::xarray<float> a = xgrad::to_xarray<float>(t);
#include <xtensor/xarray.hpp>

#include "storage.hpp"

namespace xgrad {

/// A tensor holding a copy of `a` (float -> Float32, double -> Float64, int64_t -> Int64).
template <class T>
Tensor from_xarray(const xt::xarray<T>& a) {
  Shape shape(a.shape().begin(), a.shape().end());
  Tensor t = empty_tensor<T>(shape);
  std::copy(a.begin(), a.end(), raw_data<T>(t));
  return t;
}

/// A copy of the tensor's data as an xarray of T (converting the dtype when it differs).
template <class T>
xt::xarray<T> to_xarray(const Tensor& t) {
  xt::xarray<T> out = xt::xarray<T>::from_shape(to_xshape(t.shape()));
  visit_dtype(t.dtype(), [&](auto z) {
    const Tensor d = dense(t);  // a view's own elements, in row-major order
    const auto* p = raw_data<decltype(z)>(d);
    std::transform(p, p + t.numel(), out.begin(), [](auto v) { return static_cast<T>(v); });
  });
  return out;
}

}  // namespace xgrad
