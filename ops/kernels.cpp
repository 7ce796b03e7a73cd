#include "ops/kernels.hpp"

namespace xgrad::kernels {

void check_floating(const Tensor& a, const char* op) {
  if (!a.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
  if (!is_floating(a.dtype())) throw_not_floating(op, a.dtype());
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
