#include <xgrad/ops/detail/kernels.hpp>

namespace xgrad::kernels {

void check_floating(const Tensor& a, const char* op) {
  if (!a.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
  if (!is_floating(a.dtype())) throw_not_floating(op, a.dtype());
}

void check_no_overlap(const Tensor& self, const char* op) {
  for (int64_t d = 0; d < self.dim(); ++d) {
    if (self.strides()[d] == 0 && self.shape()[d] > 1) {
      throw ValueError(fmt::format(
          "{}: unsupported operation: more than one element of the written-to tensor (shape {}, "
          "strides {}) refers to a single memory location (it is an expand()ed view); clone() "
          "it before writing in place",
          op, shape_str(self.shape()), shape_str(self.strides())));
    }
  }
}

void check_binary(const Tensor& a, const Tensor& b, const char* op) {
  if (!a.defined() || !b.defined()) throw ValueError(fmt::format("{}: a tensor is undefined", op));
  if (a.dtype() != b.dtype()) {
    throw DTypeError(
        fmt::format("{}: cannot combine {} and {} tensors (shapes {} and {}); "
                    "convert one with .to(...)",
                    op, dtype_name(a.dtype()), dtype_name(b.dtype()), shape_str(a.shape()),
                    shape_str(b.shape())));
  }
  if (!is_floating(a.dtype())) throw_not_floating(op, a.dtype());
}

}  // namespace xgrad::kernels
