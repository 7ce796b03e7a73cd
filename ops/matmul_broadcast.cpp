// matmul with batch dimensions broadcast, as torch::matmul: both operands are brought to
// [batch..., m, k] and [batch..., k, n] (a 1-D operand gains a dim that is removed again),
// their batch dims broadcast (expand, whose backward sums), flattened into one bmm.
#include <fmt/format.h>

#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/linalg.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {

Tensor mm(const Tensor& a, const Tensor& b) {
  kernels::check_binary(a, b, "mm");
  if (a.dim() != 2 || b.dim() != 2 || a.shape()[1] != b.shape()[0]) {
    throw ShapeError(fmt::format("mm: expected matrices [m, k] and [k, n], got {} and {}",
                                 shape_str(a.shape()), shape_str(b.shape())));
  }
  return mm(a, b, false, false);
}

Tensor addmm(const Tensor& input, const Tensor& m1, const Tensor& m2, double beta, double alpha) {
  const Tensor product = mm(m1, m2);
  return (beta == 1.0 ? input : input * beta) + (alpha == 1.0 ? product : product * alpha);
}

Tensor matmul_broadcast(const Tensor& a, const Tensor& b) {
  kernels::check_binary(a, b, "matmul");
  if (a.dim() == 0 || b.dim() == 0) {
    throw ShapeError(
        fmt::format("matmul: both operands need at least one dimension, got {} "
                    "and {} (use * for a scalar)",
                    shape_str(a.shape()), shape_str(b.shape())));
  }
  const Tensor a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;  // [k] -> [1, k]
  const Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;  // [k] -> [k, 1]
  const int64_t m = a2.shape()[a2.dim() - 2], k = a2.shape()[a2.dim() - 1];
  const int64_t kb = b2.shape()[b2.dim() - 2], n = b2.shape()[b2.dim() - 1];
  if (k != kb) {
    throw ShapeError(fmt::format("matmul: inner sizes differ: {} and {} (shapes {} and {})", k, kb,
                                 shape_str(a.shape()), shape_str(b.shape())));
  }
  const Shape batch_a(a2.shape().begin(), a2.shape().end() - 2);
  const Shape batch_b(b2.shape().begin(), b2.shape().end() - 2);
  Shape batch;
  try {
    batch = broadcast_shapes(batch_a, batch_b, "matmul");
  } catch (const ShapeError&) {
    throw ShapeError(fmt::format(
        "matmul: batch dimensions {} and {} cannot be broadcast (shapes "
        "{} and {})",
        shape_str(batch_a), shape_str(batch_b), shape_str(a.shape()), shape_str(b.shape())));
  }
  const int64_t count = shape_numel(batch);
  auto to3 = [&](const Tensor& t, int64_t r, int64_t c) {
    Shape full = batch;
    full.push_back(r);
    full.push_back(c);
    const Tensor e = t.shape() == full ? t : expand(t, full);
    return reshape(e, {count, r, c});
  };
  const Tensor out3 = bmm(to3(a2, m, k), to3(b2, k, n), false, false);
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(m);
  if (b.dim() > 1) out_shape.push_back(n);
  return reshape(out3, out_shape);
}

}  // namespace xgrad
