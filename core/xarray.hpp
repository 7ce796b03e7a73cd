#pragma once
// Moving data between xtensor and xgrad (copies).
//   auto t = xgrad::from_xarray(xt::xarray<double>{{1, 2}, {3, 4}});   // float64 tensor
//   xt::xarray<float> a = xgrad::to_xarray<float>(t);
#include <xtensor/xarray.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/dtype.hpp>
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// A tensor holding a copy of `a` (float -> Float32, double -> Float64, int64_t -> Int64).
template <class T>
Tensor from_xarray(const xt::xarray<T>& a) {
  const Shape shape(a.shape().begin(), a.shape().end());
  if (a.size() == 0) return empty(shape, dtype(dtype_of<T>()));
  const xt::xarray<T> dense = a;  // row-major and contiguous whatever a's layout
  return from_blob(dense.data(), shape, dtype(dtype_of<T>()));
}

/// A copy of the tensor's data as an xarray of T (converting the dtype when it differs).
template <class T>
xt::xarray<T> to_xarray(const Tensor& t) {
  const Shape& sizes = t.sizes();
  xt::xarray<T> out =
      xt::xarray<T>::from_shape(std::vector<std::size_t>(sizes.begin(), sizes.end()));
  const Tensor d = t.contiguous();  // a view's own elements, in row-major order
  const auto copy = [&](const auto* p) {
    std::transform(p, p + d.numel(), out.begin(), [](auto v) { return static_cast<T>(v); });
  };
  switch (d.dtype()) {
    case DType::Float32:
      copy(d.data_ptr<float>());
      break;
    case DType::Float64:
      copy(d.data_ptr<double>());
      break;
    case DType::Int64:
      copy(d.data_ptr<int64_t>());
      break;
    case DType::Bool:
      copy(d.data_ptr<bool>());
      break;
  }
  return out;
}

}  // namespace xgrad
