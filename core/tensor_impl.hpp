#pragma once
// What a Tensor handle points to: the shape, strides, storage offset and dtype, a shared
// Storage (the data, shared with detached copies and every view), and the autograd state.
// Element (i0, i1, ...) lives at storage[storage_offset + sum_d i_d * strides[d]], as in
// libtorch. A tensor is contiguous when its strides are the row-major ones of its shape (size-1
// dims' strides do not matter); contiguous kernels then see it as a flat run of numel()
// elements starting at storage_offset. No xtensor here: code
// that touches the data includes core/detail/storage.hpp.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

struct Storage;

/// A hook run on the gradient of a tensor during backward; it may return a replacement
/// (a defined Tensor) or an undefined Tensor to keep the gradient as it is.
using TensorHook = std::function<Tensor(const Tensor&)>;
/// A hook run on a leaf after backward has accumulated into its .grad (it receives the leaf).
using PostAccumulateGradHook = std::function<void(const Tensor&)>;

/// Row-major strides (elements) of `shape`.
Shape contiguous_strides(const Shape& shape);
/// True when `strides` address `shape` in row-major order (size-1 dims ignored, as libtorch).
bool is_contiguous_layout(const Shape& shape, const Shape& strides);

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  DType dtype = DType::Float32;
  Shape strides;               // elements, one per dim (0 for an expanded dim)
  int64_t storage_offset = 0;  // elements from the storage's start to element (0, 0, ...)
  bool is_contiguous = true;   // cached is_contiguous_layout(shape, strides)

  // Autograd state.
  bool requires_grad = false;
  bool retains_grad = false;
  std::shared_ptr<Node> grad_fn;         // null for a leaf
  uint32_t output_nr = 0;                // which output of grad_fn
  Tensor grad;                           // accumulated gradient (leaves, retained non-leaves)
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad node, made on demand
  std::vector<TensorHook> hooks;         // a leaf's gradient hooks (a non-leaf's are on grad_fn)
  std::mutex mutex;                      // guards grad and grad_accumulator

  // A leaf's post-accumulate hooks with their handles (for removal); guarded by mutex.
  std::vector<std::pair<uint64_t, PostAccumulateGradHook>> post_accumulate_hooks;

  TensorImpl(std::shared_ptr<Storage> s, Shape sh, DType dt)
      : storage(std::move(s)),
        shape(std::move(sh)),
        dtype(dt),
        strides(contiguous_strides(shape)) {}
  /// Sets the layout (shape, strides, offset) and recomputes the contiguity flag.
  void set_layout(Shape sh, Shape st, int64_t offset) {
    shape = std::move(sh);
    strides = std::move(st);
    storage_offset = offset;
    is_contiguous = is_contiguous_layout(shape, strides);
  }
};

/// A new tensor sharing `source`'s storage with another shape (same number of elements).
/// Same shape: the same layout (detach). Otherwise the strides are computed as libtorch's
/// view does; ShapeError (naming `op`, advising reshape()) when the layout cannot be viewed so.
Tensor make_view(const Tensor& source, Shape shape, const char* op = "view");
/// A new tensor sharing `source`'s storage with the given layout (the caller checks bounds).
Tensor make_strided_view(const Tensor& source, Shape shape, Shape strides, int64_t offset);
/// Writes to `out` the strides that view (shape, strides) as `new_shape` without copying;
/// false when no strides can (libtorch's computeStride).
bool view_strides(const Shape& shape, const Shape& strides, const Shape& new_shape, Shape& out);

}  // namespace xgrad
