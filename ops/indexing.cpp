// Indexing: slice, select / operator[], index_select, gather, and the scatter-adds that are
// their gradients. Each scatter-add is itself a differentiable op whose gradient is the
// matching gather, so gradients of gradients work.
#include <xgrad/ops/indexing.hpp>

#include <algorithm>
#include <limits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/registry.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

// Named apart from ops/shape.cpp's check_defined: CI's unity builds (.ci/run) may compile both
// files as one translation unit.
void check_indexed_defined(const Tensor& x, const char* op) {
  if (!x.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
}

/// `dim` made non-negative; IndexError naming `op` when out of range or when x is 0-d.
int64_t indexed_dim(const Tensor& x, int64_t dim, const char* op) {
  if (x.dim() == 0) {
    throw IndexError(fmt::format(
        "{}: cannot index dimension {} of a 0-d tensor (it has no dimensions)", op, dim));
  }
  return normalize_dim(dim, x.dim(), op);
}

/// An index tensor must be defined and int64.
void check_index_tensor(const Tensor& index, const char* op) {
  if (!index.defined()) throw ValueError(fmt::format("{}: the index tensor is undefined", op));
  if (index.dtype() != DType::Int64) {
    throw DTypeError(
        fmt::format("{}: index must be an int64 tensor, got {}", op, dtype_name(index.dtype())));
  }
}

/// Every index value in [0, size); IndexError naming `op`, the value and the size otherwise.
void check_index_values(const Tensor& index_, int64_t dim, int64_t size, const char* op) {
  const Tensor index = dense(index_);  // the caller may pass a view
  const int64_t* p = raw_data<int64_t>(index);
  for (int64_t k = 0, n = index.numel(); k < n; ++k) {
    if (p[k] < 0 || p[k] >= size) {
      throw IndexError(fmt::format(
          "{}: index {} is out of range for dimension {} with size {} (expected [0, {}))", op, p[k],
          dim, size, size));
    }
  }
}

/// A shape seen as [outer, shape[dim], inner].
struct Split3 {
  int64_t outer = 1, size = 1, inner = 1;
};
Split3 split3(const Shape& shape, int64_t dim) {
  Split3 s;
  for (int64_t d = 0; d < dim; ++d) s.outer *= shape[d];
  s.size = shape[dim];
  for (size_t d = dim + 1; d < shape.size(); ++d) s.inner *= shape[d];
  return s;
}

/// out[o, j, :] = x[o, pos(j), :] for j < n, with x seen as [outer, size, inner].
template <class P>
Tensor take_along(const Tensor& x, int64_t dim, int64_t n, P pos) {
  Shape shape = x.shape();
  shape[dim] = n;
  const Split3 s = split3(x.shape(), dim);
  return visit_dtype(x.dtype(), [&](auto z) {
    using T = decltype(z);
    Tensor out = empty_tensor<T>(shape);
    const T* px = raw_data<T>(x);
    T* po = raw_data<T>(out);
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t j = 0; j < n; ++j)
        std::copy_n(px + (o * s.size + pos(j)) * s.inner, s.inner, po + (o * n + j) * s.inner);
    return out;
  });
}

/// Calls f(k, offset) for each element k (row-major) of a tensor of shape `ishape`, with
/// offset the position in a row-major tensor of shape `xshape` of the same coordinates except
/// along `dim`, where it is 0. Requires ishape[d] <= xshape[d] for d != dim.
template <class F>
void for_each_along(const Shape& xshape, const Shape& ishape, int64_t dim, F f) {
  const size_t rank = xshape.size();
  Shape stride(rank, 1), pos(rank, 0);
  for (size_t d = rank; d-- > 1;) stride[d - 1] = stride[d] * xshape[d];
  int64_t base = 0;
  for (int64_t k = 0, n = shape_numel(ishape); k < n; ++k) {
    f(k, base);
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < ishape[d]) {
        if (static_cast<int64_t>(d) != dim) base += stride[d];
        break;
      }
      if (static_cast<int64_t>(d) != dim) base -= (pos[d] - 1) * stride[d];
      pos[d] = 0;
    }
  }
}

/// x's row-major strides (elements).
int64_t stride_of(const Shape& shape, int64_t dim) {
  int64_t s = 1;
  for (size_t d = dim + 1; d < shape.size(); ++d) s *= shape[d];
  return s;
}

struct IndexSelect : Function<IndexSelect> {
  static constexpr const char* name = "index_select";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& index, int64_t dim) {
    ctx->save_for_backward({index});
    ctx->saved_data["dim"] = dim;
    const int64_t* pi = raw_data<int64_t>(index);
    return take_along(x, dim, index.numel(), [pi](int64_t j) { return pi[j]; });
  }
  static TensorList backward(AutogradContext* ctx, TensorList g);
};

/// Zeros of src's shape with `size` along dim, plus out[o, index[j], :] += src[o, j, :].
struct IndexAdd : Function<IndexAdd> {
  static constexpr const char* name = "index_add";
  static Tensor forward(AutogradContext* ctx, const Tensor& src, const Tensor& index, int64_t dim,
                        int64_t size) {
    ctx->save_for_backward({index});
    ctx->saved_data["dim"] = dim;
    Shape shape = src.shape();
    shape[dim] = size;
    Tensor out = zeros(shape, src.dtype());
    const Split3 s = split3(src.shape(), dim);
    const int64_t* pi = raw_data<int64_t>(index);
    visit_floating(src.dtype(), name, [&](auto z) {
      using T = decltype(z);
      const T* ps = raw_data<T>(src);
      T* po = raw_data<T>(out);
      for (int64_t o = 0; o < s.outer; ++o)
        for (int64_t j = 0; j < s.size; ++j) {
          const T* from = ps + (o * s.size + j) * s.inner;
          T* to = po + (o * size + pi[j]) * s.inner;
          for (int64_t i = 0; i < s.inner; ++i) to[i] += from[i];
        }
    });
    return out;
  }
  // Linear in src: its gradient picks the entries back out.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor index = ctx->get_saved_variables()[0];
    return {IndexSelect::apply(g[0], index, ctx->saved_data.get<int64_t>("dim")), Tensor()};
  }
};

// The gradient of picking entries is adding the gradient back at their positions.
TensorList IndexSelect::backward(AutogradContext* ctx, TensorList g) {
  const Tensor index = ctx->get_saved_variables()[0];
  const int64_t dim = ctx->saved_data.get<int64_t>("dim");
  return {IndexAdd::apply(g[0], index, dim, ctx->input_shape(0)[dim]), Tensor()};
}

struct Slice : Function<Slice> {
  static constexpr const char* name = "slice";
  static constexpr bool accepts_strided = true;  // a view
  // Positions start, start + step, ... along dim: the stride grows by step, the offset moves
  // to start.
  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t dim, int64_t start,
                        int64_t step, int64_t n) {
    ctx->saved_data["dim"] = dim;
    ctx->saved_data["start"] = start;
    ctx->saved_data["step"] = step;
    Shape shape = x.shape(), strides = x.strides();
    shape[dim] = n;
    strides[dim] *= step;
    return make_strided_view(x, shape, strides, x.storage_offset() + start * x.strides()[dim]);
  }
  // The gradient goes back to the sliced positions (zeros elsewhere).
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const int64_t dim = ctx->saved_data.get<int64_t>("dim");
    const int64_t start = ctx->saved_data.get<int64_t>("start");
    const int64_t step = ctx->saved_data.get<int64_t>("step");
    std::vector<int64_t> pos(static_cast<size_t>(g[0].shape()[dim]));
    for (size_t j = 0; j < pos.size(); ++j) pos[j] = start + static_cast<int64_t>(j) * step;
    const Tensor index = tensor(pos, {static_cast<int64_t>(pos.size())});
    return {IndexAdd::apply(g[0], index, dim, ctx->input_shape(0)[dim])};
  }
};

struct Gather : Function<Gather> {
  static constexpr const char* name = "gather";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& index, int64_t dim) {
    ctx->save_for_backward({index});
    ctx->saved_data["dim"] = dim;
    const int64_t st = stride_of(x.shape(), dim);
    const int64_t* pi = raw_data<int64_t>(index);
    return visit_dtype(x.dtype(), [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(index.shape());
      const T* px = raw_data<T>(x);
      T* po = raw_data<T>(out);
      for_each_along(x.shape(), index.shape(), dim,
                     [&](int64_t k, int64_t base) { po[k] = px[base + pi[k] * st]; });
      return out;
    });
  }
  static TensorList backward(AutogradContext* ctx, TensorList g);
};

/// Zeros of `shape` plus out[index[i][j]][j] += src[i][j] (dim 0; likewise for any rank/dim).
struct ScatterAdd : Function<ScatterAdd> {
  static constexpr const char* name = "scatter_add";
  static Tensor forward(AutogradContext* ctx, const Tensor& src, const Tensor& index, int64_t dim,
                        const Shape& shape) {
    ctx->save_for_backward({index});
    ctx->saved_data["dim"] = dim;
    Tensor out = zeros(shape, src.dtype());
    const int64_t st = stride_of(shape, dim);
    const int64_t* pi = raw_data<int64_t>(index);
    visit_floating(src.dtype(), name, [&](auto z) {
      using T = decltype(z);
      const T* ps = raw_data<T>(src);
      T* po = raw_data<T>(out);
      for_each_along(shape, index.shape(), dim,
                     [&](int64_t k, int64_t base) { po[base + pi[k] * st] += ps[k]; });
    });
    return out;
  }
  // Linear in src: its gradient gathers the entries back.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor index = ctx->get_saved_variables()[0];
    return {Gather::apply(g[0], index, ctx->saved_data.get<int64_t>("dim")), Tensor()};
  }
};

// The gradient of gathering is adding the gradient back where each entry came from.
TensorList Gather::backward(AutogradContext* ctx, TensorList g) {
  const Tensor index = ctx->get_saved_variables()[0];
  return {ScatterAdd::apply(g[0], index, ctx->saved_data.get<int64_t>("dim"), ctx->input_shape(0)),
          Tensor()};
}

/// Python's rule for a slice bound: negative counts from the end, then clamp to [0, size].
int64_t clamp_bound(int64_t v, int64_t size) {
  if (v < 0) v = v < -size ? 0 : v + size;
  return std::min(v, size);
}

Tensor select_impl(const Tensor& x, int64_t dim, int64_t index, const char* op) {
  check_indexed_defined(x, op);
  const int64_t d = indexed_dim(x, dim, op);
  const int64_t size = x.shape()[d];
  if (index < -size || index >= size) {
    throw IndexError(fmt::format(
        "{}: index {} is out of range for dimension {} with size {} (expected [{}, {}))", op, index,
        d, size, -size, size));
  }
  const int64_t i = index < 0 ? index + size : index;
  Shape shape = x.shape();
  shape.erase(shape.begin() + d);
  return reshape(Slice::apply(x, d, i, int64_t(1), int64_t(1)), shape);
}

}  // namespace

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  check_indexed_defined(x, "slice");
  const int64_t d = indexed_dim(x, dim, "slice");
  if (step <= 0) {
    throw ValueError(fmt::format("slice: step must be positive, got {}", step));
  }
  const int64_t size = x.shape()[d];
  const int64_t b = clamp_bound(start, size);
  const int64_t e = std::max(b, clamp_bound(end, size));
  if (b == 0 && e == size && step == 1) return x;
  // ceil((e - b) / step) without forming e - b + step - 1, which overflows for a huge step.
  const int64_t n = e == b ? 0 : (e - b - 1) / step + 1;
  return Slice::apply(x, d, b, step, n);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  return select_impl(x, dim, index, "select");
}

Tensor Tensor::operator[](int64_t index) const {
  return select_impl(*this, 0, index, "operator[]");
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  check_indexed_defined(x, "index_select");
  check_index_tensor(index, "index_select");
  const int64_t d = indexed_dim(x, dim, "index_select");
  if (index.dim() > 1) {
    throw ShapeError(
        fmt::format("index_select: index must be 1-D, got shape {}", shape_str(index.shape())));
  }
  check_index_values(index, d, x.shape()[d], "index_select");
  return IndexSelect::apply(x, index, d);
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  check_indexed_defined(x, "gather");
  check_index_tensor(index, "gather");
  const int64_t d = indexed_dim(x, dim, "gather");
  if (index.dim() != x.dim()) {
    throw ShapeError(
        fmt::format("gather: index must have the input's rank {}, got shape {} "
                    "for input shape {}",
                    x.dim(), shape_str(index.shape()), shape_str(x.shape())));
  }
  for (int64_t k = 0; k < x.dim(); ++k) {
    if (k != d && index.shape()[k] > x.shape()[k]) {
      throw ShapeError(fmt::format(
          "gather: index shape {} does not fit input shape {}: dimension {} has size {} > {}",
          shape_str(index.shape()), shape_str(x.shape()), k, index.shape()[k], x.shape()[k]));
    }
  }
  check_index_values(index, d, x.shape()[d], "gather");
  return Gather::apply(x, index, d);
}

}  // namespace xgrad

namespace xgrad::ops {
// Called by shape_op_schemas() (ops/shape.cpp), which keeps the registry wiring in one place.
std::vector<OpSchema> indexing_op_schemas() {
  auto along_index = [](const char* name, Tensor (*fn)(const Tensor&, int64_t, const Tensor&)) {
    return OpSchema{name, 2, {"dim"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get<int64_t>("dim"), in[1])};
                    }};
  };
  return {
      OpSchema{"slice",
               1,
               {"dim", "start", "end", "step"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{slice(in[0], a.get_or<int64_t>("dim", 0),
                                         a.get_or<int64_t>("start", 0),
                                         a.get_or("end", std::numeric_limits<int64_t>::max()),
                                         a.get_or<int64_t>("step", 1))};
               }},
      OpSchema{"select",
               1,
               {"dim", "index"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{
                     select(in[0], a.get_or<int64_t>("dim", 0), a.get<int64_t>("index"))};
               }},
      along_index("index_select", index_select),
      along_index("gather", gather),
  };
}
}  // namespace xgrad::ops
