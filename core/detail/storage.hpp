#pragma once
// The data behind tensors: one flat, contiguous xtensor container per storage, in the
// tensor's dtype. Kernels see it with the tensor's shape through `as_xt<T>(t)` (an adaptor, no
// copy) or as raw pointers for flat loops. Included by .cpp files and by core/xarray.hpp.
#include <xtensor/xadapt.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

#include <atomic>
#include <new>
#include <stdexcept>
#include <variant>

#include <xgrad/core/caching_allocator.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/tensor_impl.hpp>

namespace xgrad {

/// Flat storage of T; its memory comes from the tensor cache (core/caching_allocator.hpp).
template <class T>
using Buffer = xt::xtensor<T, 1, XTENSOR_DEFAULT_LAYOUT, CachingAllocator<T>>;

struct Storage {
  std::variant<Buffer<float>, Buffer<double>, Buffer<int64_t>, Buffer<bool>> buffer;
  /// Bumped by each in-place change; saved tensors compare it to detect stale data.
  std::atomic<uint64_t> version{0};

  template <class T>
  explicit Storage(Buffer<T>&& b) : buffer(std::move(b)) {}
};

/// Shape as xtensor wants it (on the stack up to rank 4).
using XShape = xt::svector<std::size_t, 4>;
inline XShape to_xshape(const Shape& shape) {
  return XShape(shape.begin(), shape.end());
}

/// The storage's first element (not the tensor's: add storage_offset); for strided kernels.
template <class T>
inline T* storage_data(const TensorImpl& impl) {
  return std::get<Buffer<T>>(impl.storage->buffer).data();
}

[[noreturn]] void throw_non_contiguous(const TensorImpl& impl);

/// The tensor's first element, for kernels that read numel() elements in row-major order; T
/// must match the dtype. A non-contiguous view would be read wrongly, so it is an error here:
/// ops receive contiguous inputs (Function::apply makes them so once at entry) and code outside
/// ops calls contiguous() first.
template <class T>
inline T* raw_data(const TensorImpl& impl) {
  if (!impl.is_contiguous) throw_non_contiguous(impl);
  return storage_data<T>(impl) + impl.storage_offset;
}
template <class T>
inline T* raw_data(const Tensor& t) {
  return raw_data<T>(*t.impl());
}

/// The tensor's data as an xtensor expression of its shape (row-major adaptor, no copy).
template <class T>
inline auto as_xt(const Tensor& t) {
  return xt::adapt(raw_data<T>(t), static_cast<std::size_t>(t.numel()), xt::no_ownership(),
                   to_xshape(t.shape()));
}

/// Copies src's elements into dst (same shape and dtype, any strides), element (i0, i1, ...)
/// to element (i0, i1, ...): gathers a view into a contiguous tensor, or scatters a contiguous
/// result back into a view. The one strided kernel; everything else works on contiguous data.
void strided_copy(const TensorImpl& src, const TensorImpl& dst);
/// A contiguous copy of `t`'s elements in new storage: not recorded, no autograd state (the
/// raw kernel under contiguous(); code outside ops that needs flat data of any tensor uses it).
Tensor dense_copy(const Tensor& t);
/// `t` itself when contiguous, else dense_copy(t).
inline Tensor dense(const Tensor& t) {
  return !t.defined() || t.impl()->is_contiguous ? t : dense_copy(t);
}

/// A fresh tensor of `shape` and dtype T, uninitialised (every kernel writes all of it).
/// The element count of a buffer for `shape` in `dtype`: ShapeError for a shape that cannot
/// exist, OutOfMemoryError when its bytes exceed what one allocation can ever be.
std::size_t buffer_elements(const Shape& shape, DType dtype);
/// OutOfMemoryError naming the shape, dtype and bytes (the allocator said no).
[[noreturn]] void throw_out_of_memory(const Shape& shape, DType dtype);

template <class T>
inline Tensor empty_tensor(const Shape& shape) {
  const std::size_t n = buffer_elements(shape, dtype_of<T>());
  Buffer<T> b;
  try {
    b = Buffer<T>::from_shape({n});
  } catch (const std::bad_alloc&) {  // also std::bad_array_new_length
    throw_out_of_memory(shape, dtype_of<T>());
  } catch (const std::length_error&) {
    throw_out_of_memory(shape, dtype_of<T>());
  }
  auto storage = std::make_shared<Storage>(std::move(b));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), shape, dtype_of<T>()));
}
/// As above with the dtype chosen at run time.
Tensor empty_tensor(const Shape& shape, DType dtype);

[[noreturn]] void throw_not_floating(const char* op, DType dtype);

/// Calls f(T{}) with T the C++ type of `dtype` (bool for Bool: f must handle it, typically
/// by copying or converting elements; arithmetic dispatches on visit_floating instead).
template <class F>
inline decltype(auto) visit_dtype(DType dtype, F&& f) {
  switch (dtype) {
    case DType::Float32:
      return f(float{});
    case DType::Float64:
      return f(double{});
    case DType::Int64:
      return f(int64_t{});
    case DType::Bool:
      return f(bool{});
  }
  return f(float{});  // unreachable: every DType is handled above
}
/// Calls f(T{}) for a floating dtype; a DTypeError naming `op` for int64.
template <class F>
inline decltype(auto) visit_floating(DType dtype, const char* op, F&& f) {
  if (dtype == DType::Float64) return f(double{});
  if (dtype != DType::Float32) throw_not_floating(op, dtype);
  return f(float{});
}
}  // namespace xgrad
