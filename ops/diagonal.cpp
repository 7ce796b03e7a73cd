// diagonal(x, offset, dim1, dim2): a view stepping along both dims at once (stride s1 + s2),
// as libtorch's. Its gradient places g on the same diagonal of zeros (DiagonalBackward), whose
// own gradient is the diagonal again, so gradients of gradients work.
#include <fmt/format.h>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

/// The diagonal's layout within a tensor of (shape, strides, offset).
struct DiagLayout {
  Shape shape, strides;
  int64_t offset = 0;
};
DiagLayout diag_layout(const Shape& shape, const Shape& strides, int64_t base, int64_t offset,
                       int64_t d1, int64_t d2) {
  const int64_t s1 = shape[d1], s2 = shape[d2];
  // Entries (i, i + offset) for offset >= 0, (i - offset, i) below the main diagonal.
  const int64_t len =
      std::max<int64_t>(offset >= 0 ? std::min(s1, s2 - offset) : std::min(s1 + offset, s2), 0);
  DiagLayout out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (static_cast<int64_t>(d) == d1 || static_cast<int64_t>(d) == d2) continue;
    out.shape.push_back(shape[d]);
    out.strides.push_back(strides[d]);
  }
  out.shape.push_back(len);
  out.strides.push_back(strides[d1] + strides[d2]);
  out.offset = base;
  if (len > 0) out.offset += offset >= 0 ? offset * strides[d2] : -offset * strides[d1];
  return out;
}

struct DiagonalBackward : Function<DiagonalBackward> {
  static constexpr const char* name = "diagonal_backward";
  // g placed on the diagonal of a zero tensor of the input's shape.
  static Tensor forward(AutogradContext* ctx, const Tensor& g, const Shape& shape, int64_t offset,
                        int64_t d1, int64_t d2) {
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["d1"] = d1;
    ctx->saved_data["d2"] = d2;
    Tensor out = zeros(shape, g.dtype());
    const DiagLayout l = diag_layout(shape, out.strides(), 0, offset, d1, d2);
    strided_copy(*g.impl(), *make_strided_view(out, l.shape, l.strides, l.offset).impl());
    return out;
  }
  // d(embed(g)) = diagonal(dout)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {diagonal(g[0], ctx->saved_data.get<int64_t>("offset"),
                     ctx->saved_data.get<int64_t>("d1"), ctx->saved_data.get<int64_t>("d2"))};
  }
};

struct Diagonal : Function<Diagonal> {
  static constexpr const char* name = "diagonal";
  static constexpr bool accepts_strided = true;  // a view
  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t offset, int64_t d1,
                        int64_t d2) {
    ctx->saved_data["offset"] = offset;
    ctx->saved_data["d1"] = d1;
    ctx->saved_data["d2"] = d2;
    const DiagLayout l = diag_layout(x.shape(), x.strides(), x.storage_offset(), offset, d1, d2);
    return make_strided_view(x, l.shape, l.strides, l.offset);
  }
  // The gradient goes back onto the diagonal (zeros elsewhere).
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {DiagonalBackward::apply(
        g[0], ctx->input_shape(0), ctx->saved_data.get<int64_t>("offset"),
        ctx->saved_data.get<int64_t>("d1"), ctx->saved_data.get<int64_t>("d2"))};
  }
};

}  // namespace

Tensor diagonal(const Tensor& x, int64_t offset, int64_t dim1, int64_t dim2) {
  if (!x.defined()) throw ValueError("diagonal: the tensor is undefined");
  if (x.dim() < 2) {
    throw ShapeError(fmt::format("diagonal: needs a tensor of at least 2 dims, got shape {}",
                                 shape_str(x.shape())));
  }
  const int64_t d1 = normalize_dim(dim1, x.dim(), "diagonal");
  const int64_t d2 = normalize_dim(dim2, x.dim(), "diagonal");
  if (d1 == d2) {
    throw ValueError(fmt::format("diagonal: dim1 and dim2 are both {} (they must differ)", d1));
  }
  return Diagonal::apply(x, offset, d1, d2);
}

Tensor Tensor::diagonal(int64_t offset, int64_t dim1, int64_t dim2) const {
  return xgrad::diagonal(*this, offset, dim1, dim2);
}

}  // namespace xgrad
