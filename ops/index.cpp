// libtorch's x.index({...}) / x.index_put_({...}, v): each basic index (integer, Slice, None,
// Ellipsis) is one view op (select, slice, unsqueeze), so the result of basic indexing is a
// view and index_put_ writes through it; a tensor index (int64 rows, bool mask) copies, as
// in libtorch, and index_put_ with one scatters row by row or through where().
#include <xgrad/ops/index.hpp>

#include <fmt/format.h>

#include <limits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/compare.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

using indexing::TensorIndex;
using Kind = TensorIndex::Kind;

/// How many dims of x the indices consume (an Ellipsis fills the rest).
int64_t consumed_dims(const std::vector<TensorIndex>& indices, const char* op) {
  int64_t used = 0, ellipses = 0;
  for (const auto& i : indices) {
    if (i.kind() == Kind::Integer || i.kind() == Kind::Slice) ++used;
    if (i.kind() == Kind::Tensor) {
      if (!i.tensor().defined())
        throw ValueError(fmt::format("{}: an index tensor is undefined", op));
      used += i.tensor().dtype() == DType::Bool ? std::max<int64_t>(i.tensor().dim(), 1) : 1;
    }
    if (i.kind() == Kind::Ellipsis && ++ellipses > 1)
      throw IndexError(fmt::format("{}: an index can only have a single ellipsis ('...')", op));
  }
  return used;
}

/// The rows of x (along dim) where the bool mask (x's shape from dim on, or its first dims)
/// is true, flattened into one dim: x[mask] in Python.
Tensor masked_rows(const Tensor& x, int64_t dim, const Tensor& mask, const char* op) {
  const int64_t md = std::max<int64_t>(mask.dim(), 1);
  if (dim + md > x.dim()) {
    throw IndexError(fmt::format("{}: a mask of shape {} does not fit shape {} at dimension {}", op,
                                 shape_str(mask.shape()), shape_str(x.shape()), dim));
  }
  for (int64_t k = 0; k < mask.dim(); ++k) {
    if (mask.shape()[k] != x.shape()[dim + k]) {
      throw IndexError(fmt::format(
          "{}: the mask's shape {} does not match the indexed tensor's shape {} at dimension {}",
          op, shape_str(mask.shape()), shape_str(x.shape()), dim + k));
    }
  }
  Shape merged(x.shape().begin(), x.shape().begin() + dim);
  merged.push_back(-1);
  merged.insert(merged.end(), x.shape().begin() + dim + md, x.shape().end());
  const std::vector<double> m = mask.to_vector();
  std::vector<double> rows;
  for (size_t k = 0; k < m.size(); ++k)
    if (m[k] != 0) rows.push_back(static_cast<double>(k));
  const Tensor ids = tensor(rows, {static_cast<int64_t>(rows.size())}, DType::Int64);
  return index_select(reshape(x, merged), dim, ids);
}

}  // namespace

Tensor index(const Tensor& x, const std::vector<TensorIndex>& indices) {
  const char* op = "index";
  if (!x.defined()) throw ValueError("index: the tensor is undefined");
  const int64_t used = consumed_dims(indices, op);
  if (used > x.dim()) {
    throw IndexError(fmt::format("index: too many indices for a tensor of dimension {} ({} given)",
                                 x.dim(), used));
  }
  Tensor out = x;
  int64_t dim = 0;  // the dim of `out` the next index applies to
  for (const auto& i : indices) {
    switch (i.kind()) {
      case Kind::Integer:
        out = select(out, dim, i.integer());  // removes the dim
        break;
      case Kind::Slice: {
        const auto& s = i.slice();
        const int64_t step = s.step.set ? s.step.value : 1;
        out = slice(out, dim, s.start.set ? s.start.value : 0,
                    s.stop.set ? s.stop.value : std::numeric_limits<int64_t>::max(), step);
        ++dim;
        break;
      }
      case Kind::None:
        out = unsqueeze(out, dim);
        ++dim;
        break;
      case Kind::Ellipsis:
        dim += x.dim() - used;
        break;
      case Kind::Tensor: {
        const Tensor& t = i.tensor();
        if (t.dtype() == DType::Bool) {
          out = masked_rows(out, dim, t, op);
        } else if (t.dtype() == DType::Int64 && t.dim() <= 1) {
          out = index_select(out, dim, t.reshape({-1}));
          if (t.dim() == 0) out = squeeze(out, dim);  // a 0-d index acts as an integer
          if (t.dim() == 0) break;
        } else {
          throw IndexError(fmt::format(
              "index: a tensor index must be bool (a mask) or a 0-d/1-D int64 tensor, got {} of "
              "shape {} (index with index_select or gather for other cases)",
              dtype_name(t.dtype()), shape_str(t.shape())));
        }
        ++dim;
        break;
      }
    }
  }
  return out;
}

Tensor Tensor::index(const std::vector<indexing::TensorIndex>& indices) const {
  return xgrad::index(*this, indices);
}

const Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices,
                                 const Tensor& value) const {
  if (!defined()) throw ValueError("index_put_: the tensor is undefined");
  if (!value.defined()) throw ValueError("index_put_: the value tensor is undefined");
  if (requires_grad() && GradMode::is_enabled()) {
    throw AutogradError(fmt::format(
        "index_put_: in-place change of a tensor of shape {} that requires grad would not be "
        "recorded; do it under NoGradGuard (as optimizers do) or on a detach()ed copy",
        shape_str(shape())));
  }
  size_t tensors = 0;
  for (const auto& i : indices) tensors += i.kind() == Kind::Tensor;
  if (tensors == 0) {
    // Basic indexing is a view of this tensor: write through it (copy_ broadcasts, converts
    // the dtype and bumps the shared version).
    xgrad::index(detach(), indices).copy_(value);
    return *this;
  }
  if (tensors == 1 && indices.size() == 1 && indices[0].tensor().dtype() == DType::Bool &&
      indices[0].tensor().shape() == shape()) {
    // x[mask] = v: where(mask, v, x) written back into x.
    const Tensor v = value.dtype() == dtype() ? value : value.detach().to(dtype());
    Tensor updated;
    {
      NoGradGuard no_grad;
      updated = where(indices[0].tensor(), v, detach());
    }
    detach().copy_(updated);
    return *this;
  }
  if (tensors == 1 && indices[0].kind() == Kind::Tensor &&
      indices[0].tensor().dtype() == DType::Int64 && indices[0].tensor().dim() == 1) {
    // x[ids, rest...] = v: each listed row's view (row, then the remaining basic indices)
    // gets its part of v broadcast to the rows' result shape.
    const Tensor& ids = indices[0].tensor();
    const std::vector<TensorIndex> rest(indices.begin() + 1, indices.end());
    const Tensor target_shape_probe = xgrad::index(detach(), indices);
    Tensor v;
    {
      NoGradGuard no_grad;
      v = xgrad::expand(value.dtype() == dtype() ? value.detach() : value.detach().to(dtype()),
                        target_shape_probe.shape());
    }
    const std::vector<double> rows = ids.to_vector();
    for (size_t k = 0; k < rows.size(); ++k) {
      std::vector<TensorIndex> row{static_cast<int64_t>(rows[k])};
      row.insert(row.end(), rest.begin(), rest.end());
      xgrad::index(detach(), row).copy_(v[static_cast<int64_t>(k)]);
    }
    return *this;
  }
  throw IndexError(
      "index_put_: supported indices are basic ones (integers, Slice, None, Ellipsis), one bool "
      "mask of the tensor's shape, or one 1-D int64 tensor first followed by basic ones");
}

const Tensor& Tensor::index_put_(const std::vector<indexing::TensorIndex>& indices,
                                 double value) const {
  if (!defined()) throw ValueError("index_put_: the tensor is undefined");
  return index_put_(indices, full({}, value, dtype()));
}

}  // namespace xgrad
