// narrow, chunk, expand_as and one_hot: conveniences over slice, split and expand.
#include <fmt/format.h>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  if (!x.defined()) throw ValueError("narrow: the tensor is undefined");
  const int64_t d = normalize_dim(dim, x.dim(), "narrow");
  const int64_t size = x.shape()[d];
  if (start < 0) start += size;
  if (start < 0 || length < 0 || start + length > size) {
    throw IndexError(
        fmt::format("narrow: start {} and length {} do not fit dimension {} of "
                    "size {} (shape {})",
                    start, length, dim, size, shape_str(x.shape())));
  }
  return slice(x, d, start, start + length);
}

TensorList chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  if (!x.defined()) throw ValueError("chunk: the tensor is undefined");
  if (chunks <= 0) throw ValueError(fmt::format("chunk: chunks must be > 0, got {}", chunks));
  const int64_t d = normalize_dim(dim, x.dim(), "chunk");
  const int64_t size = x.shape()[d];
  const int64_t each = std::max<int64_t>(1, (size + chunks - 1) / chunks);
  return split(x, each, d);
}

Tensor expand_as(const Tensor& x, const Tensor& other) {
  if (!other.defined()) throw ValueError("expand_as: the other tensor is undefined");
  return expand(x, other.shape());
}

Tensor one_hot(const Tensor& labels, int64_t num_classes) {
  if (!labels.defined()) throw ValueError("one_hot: the tensor is undefined");
  if (labels.dtype() != DType::Int64) {
    throw DTypeError(
        fmt::format("one_hot: class indices must be int64, got {} (convert with "
                    ".to(xgrad::kInt64))",
                    dtype_name(labels.dtype())));
  }
  const Tensor dense_labels = dense(labels);  // a view is read through a contiguous copy
  const int64_t* pl = raw_data<int64_t>(dense_labels);
  const int64_t n = labels.numel();
  if (num_classes < 0) {
    num_classes = 0;
    for (int64_t i = 0; i < n; ++i) num_classes = std::max(num_classes, pl[i] + 1);
  }
  Shape shape = labels.shape();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, DType::Int64);
  int64_t* po = raw_data<int64_t>(out);
  for (int64_t i = 0; i < n; ++i) {
    if (pl[i] < 0 || pl[i] >= num_classes) {
      throw IndexError(fmt::format("one_hot: class {} at position {} is outside [0, {})", pl[i], i,
                                   num_classes));
    }
    po[i * num_classes + pl[i]] = 1;
  }
  return out;
}

}  // namespace xgrad
