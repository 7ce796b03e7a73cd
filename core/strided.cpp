// Strided layouts: the row-major strides of a shape, the contiguity test, libtorch's rule for
// viewing a strided tensor with another shape, and the one strided copy kernel (gather a view
// into contiguous memory, scatter contiguous memory back into a view).
#include <fmt/format.h>

#include <cstring>

#include <xgrad/core/detail/storage.hpp>

namespace xgrad {

Shape contiguous_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (size_t d = shape.size(); d-- > 1;)
    strides[d - 1] = strides[d] * std::max<int64_t>(shape[d], 1);
  return strides;
}

bool is_contiguous_layout(const Shape& shape, const Shape& strides) {
  int64_t expected = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] == 0) return true;  // no elements: any layout reads nothing
    if (shape[d] == 1) continue;     // a size-1 dim is never stepped along
    if (strides[d] != expected) return false;
    expected *= shape[d];
  }
  return true;
}

void throw_non_contiguous(const TensorImpl& impl) {
  throw Error(fmt::format(
      "internal error: a non-contiguous tensor reached a contiguous kernel (shape {}, strides {}, "
      "offset {}); call contiguous() on it first (and report this: ops make inputs contiguous "
      "at entry)",
      shape_str(impl.shape), shape_str(impl.strides), impl.storage_offset));
}

// libtorch's computeStride (aten/src/ATen/TensorUtils.cpp): walk the old dims from the back in
// "chunks" whose elements are contiguous relative to each other (stride[d] == stride[d+1] *
// size[d+1]); each chunk must be covered exactly by a run of new dims, which then get strides
// stepping through that chunk.
bool view_strides(const Shape& shape, const Shape& strides, const Shape& new_shape, Shape& out) {
  out.assign(new_shape.size(), 1);
  if (shape_numel(shape) == 0) {
    out = contiguous_strides(new_shape);
    return true;
  }
  if (shape.empty()) {  // a 0-d tensor: any all-ones shape
    out = contiguous_strides(new_shape);
    return true;
  }
  int64_t view_d = static_cast<int64_t>(new_shape.size()) - 1;
  int64_t chunk_base_stride = strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    tensor_numel *= shape[d];
    if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}

namespace {
/// Calls f(src_offset, dst_offset, n, src_step, dst_step) for each innermost row of `shape`.
template <class F>
void for_each_row(const Shape& shape, const Shape& s_strides, int64_t s_off, const Shape& d_strides,
                  int64_t d_off, F f) {
  const size_t rank = shape.size();
  if (rank == 0) {
    f(s_off, d_off, 1, 0, 0);
    return;
  }
  const int64_t n = shape[rank - 1];
  Shape pos(rank, 0);
  while (true) {
    f(s_off, d_off, n, s_strides[rank - 1], d_strides[rank - 1]);
    size_t d = rank - 1;
    while (true) {
      if (d == 0) return;
      --d;
      if (++pos[d] < shape[d]) {
        s_off += s_strides[d];
        d_off += d_strides[d];
        break;
      }
      s_off -= (shape[d] - 1) * s_strides[d];
      d_off -= (shape[d] - 1) * d_strides[d];
      pos[d] = 0;
    }
  }
}
}  // namespace

void strided_copy(const TensorImpl& src, const TensorImpl& dst) {
  if (src.shape != dst.shape || src.dtype != dst.dtype) {
    throw ShapeError(fmt::format("strided_copy: {} {} into {} {}", dtype_name(src.dtype),
                                 shape_str(src.shape), dtype_name(dst.dtype),
                                 shape_str(dst.shape)));
  }
  if (shape_numel(src.shape) == 0) return;
  visit_dtype(src.dtype, [&](auto z) {
    using T = decltype(z);
    const T* ps = storage_data<T>(src);
    T* pd = storage_data<T>(dst);
    if (src.is_contiguous && dst.is_contiguous) {
      std::memmove(pd + dst.storage_offset, ps + src.storage_offset,
                   static_cast<size_t>(shape_numel(src.shape)) * sizeof(T));
      return;
    }
    for_each_row(src.shape, src.strides, src.storage_offset, dst.strides, dst.storage_offset,
                 [&](int64_t so, int64_t d_o, int64_t n, int64_t ss, int64_t ds) {
                   for (int64_t i = 0; i < n; ++i) pd[d_o + i * ds] = ps[so + i * ss];
                 });
  });
}

}  // namespace xgrad
