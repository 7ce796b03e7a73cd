#pragma once
// TensorOptions: how a new tensor is made, as libtorch's torch::TensorOptions, so that
//   xgrad::ones({2, 2}, xgrad::requires_grad())
//   xgrad::zeros(shape, xgrad::dtype(xgrad::kFloat64).requires_grad(true))
//   xgrad::randn({3}, xgrad::kFloat64)           // a DType converts to options
// read as in libtorch. Only the CPU exists, so device() accepts kCPU and nothing else.
#include <optional>

#include <xgrad/core/dtype.hpp>

namespace xgrad {

enum class DeviceType { CPU };
inline constexpr DeviceType kCPU = DeviceType::CPU;

class TensorOptions {
 public:
  TensorOptions() = default;
  /// A bare dtype is options with that dtype: zeros(shape, kFloat64).
  TensorOptions(DType dtype) : dtype_(dtype) {}

  TensorOptions dtype(DType dtype) const {
    TensorOptions o = *this;
    o.dtype_ = dtype;
    return o;
  }
  TensorOptions requires_grad(bool requires_grad) const {
    TensorOptions o = *this;
    o.requires_grad_ = requires_grad;
    return o;
  }
  /// CPU only (there is no other device); kept so libtorch code reads unchanged.
  TensorOptions device(DeviceType) const { return *this; }

  /// The dtype if one was set, else `fallback` (float32 for most factories).
  DType dtype_or(DType fallback) const { return dtype_.value_or(fallback); }
  bool has_dtype() const { return dtype_.has_value(); }
  DType dtype() const { return dtype_.value_or(DType::Float32); }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<DType> dtype_;
  bool requires_grad_ = false;
};

/// Options with only a dtype: zeros(shape, dtype(kFloat64)).
inline TensorOptions dtype(DType dtype) {
  return TensorOptions(dtype);
}
/// Options that make a leaf requiring grad: ones({2, 2}, requires_grad()).
inline TensorOptions requires_grad(bool requires_grad = true) {
  return TensorOptions().requires_grad(requires_grad);
}
/// Options on a device (CPU only).
inline TensorOptions device(DeviceType) {
  return TensorOptions();
}

}  // namespace xgrad
