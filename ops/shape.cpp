// Shape manipulation: forward and backward side by side.
#include <xgrad/ops/shape.hpp>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmanipulation.hpp>

#include <algorithm>

#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/reduce.hpp>

namespace xgrad {
namespace {

void check_defined(const Tensor& x, const char* op) {
  if (!x.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
}

/// `shape` with a -1 entry resolved so that it holds `numel` elements.
Shape infer_shape(const Shape& in, const Shape& shape, const char* op) {
  Shape out = shape;
  int64_t known = 1, infer_at = -1;
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == -1 && infer_at < 0) {
      infer_at = static_cast<int64_t>(d);
    } else if (out[d] < 0) {
      throw ValueError(
          fmt::format("{}: invalid shape {} (sizes must be >= 0, with at most one "
                      "-1 to infer)",
                      op, shape_str(shape)));
    } else {
      known = checked_mul(known, out[d], op);  // {1<<62, 4, 3} cannot exist
    }
  }
  const int64_t numel = shape_numel(in);
  if (infer_at >= 0 && known != 0 && numel % known == 0) out[infer_at] = numel / known;
  if (shape_numel(out) != numel || (infer_at >= 0 && known == 0)) {
    throw ShapeError(fmt::format("{}: cannot view a tensor of shape {} ({} elements) as {}", op,
                                 shape_str(in), numel, shape_str(shape)));
  }
  return out;
}

/// The product of shape[begin..end).
int64_t prod(const Shape& shape, size_t begin, size_t end) {
  int64_t n = 1;
  for (size_t d = begin; d < end; ++d) n *= shape[d];
  return n;
}

/// True when x can be seen as `shape` without copying (always when contiguous).
bool viewable(const Tensor& x, const Shape& shape) {
  Shape strides;
  return x.is_contiguous() || view_strides(x.shape(), x.strides(), shape, strides);
}

struct Reshape : Function<Reshape> {
  static constexpr const char* name = "reshape";
  static constexpr bool accepts_strided = true;  // a view when the layout allows one
  static Tensor forward(AutogradContext*, const Tensor& x, const Shape& shape) {
    if (!x.defined()) throw ValueError("reshape: the tensor is undefined");
    const Shape out = infer_shape(x.shape(), shape, name);
    // As libtorch: a view sharing the data when the strides allow, else a copy.
    return make_view(viewable(x, out) ? x : dense_copy(x), out, name);
  }
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {reshape(g[0], ctx->input_shape(0))};
  }
};

/// out dim i = x dim perm[i]: a view (strides permuted, nothing copied).
Tensor permuted_view(const Tensor& x, const Shape& perm) {
  Shape shape(perm.size()), strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    shape[i] = x.shape()[perm[i]];
    strides[i] = x.strides()[perm[i]];
  }
  return make_strided_view(x, shape, strides, x.storage_offset());
}

struct Transpose : Function<Transpose> {
  static constexpr const char* name = "transpose";
  static constexpr bool accepts_strided = true;  // a view
  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t d0, int64_t d1) {
    ctx->saved_data["d0"] = d0;
    ctx->saved_data["d1"] = d1;
    Shape perm(static_cast<size_t>(x.dim()));
    for (size_t d = 0; d < perm.size(); ++d) perm[d] = static_cast<int64_t>(d);
    std::swap(perm[d0], perm[d1]);
    return permuted_view(x, perm);
  }
  // The gradient of a transpose is the same transpose of the gradient.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {
        transpose(g[0], ctx->saved_data.get<int64_t>("d0"), ctx->saved_data.get<int64_t>("d1"))};
  }
};

struct Permute : Function<Permute> {
  static constexpr const char* name = "permute";
  static constexpr bool accepts_strided = true;  // a view
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Shape& dims) {
    ctx->saved_data["dims"] = dims;
    return permuted_view(x, dims);
  }
  // The gradient goes through the inverse permutation.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Shape dims = ctx->saved_data.get<Shape>("dims");
    Shape inverse(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) inverse[dims[i]] = static_cast<int64_t>(i);
    return {permute(g[0], inverse)};
  }
};

struct Expand : Function<Expand> {
  static constexpr const char* name = "expand";
  static constexpr bool accepts_strided = true;  // a view
  // A view with stride 0 along each broadcast dim (new leading dims, and size-1 dims grown):
  // every index along it reads the same element, as libtorch's expand.
  static Tensor forward(AutogradContext*, const Tensor& x, const Shape& shape) {
    const size_t lead = shape.size() - static_cast<size_t>(x.dim());
    Shape strides(shape.size(), 0);
    for (size_t d = lead; d < shape.size(); ++d) {
      const int64_t in = x.shape()[d - lead];
      strides[d] = in == shape[d] ? x.strides()[d - lead] : 0;
    }
    return make_strided_view(x, shape, strides, x.storage_offset());
  }
  // The gradient of a broadcast sums over the broadcast dims.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {sum_to(g[0], ctx->input_shape(0))};
  }
};

struct Concat : Function<Concat> {
  static constexpr const char* name = "concat";
  static Tensor forward(AutogradContext* ctx, const TensorList& ts, int64_t dim) {
    ctx->saved_data["dim"] = dim;
    ctx->saved_data["n"] = static_cast<int64_t>(ts.size());
    Shape shape = ts[0].shape();
    shape[dim] = 0;
    for (const auto& t : ts) shape[dim] = checked_add(shape[dim], t.shape()[dim], name);
    const int64_t outer = prod(shape, 0, dim), inner = prod(shape, dim + 1, shape.size());
    return visit_dtype(ts[0].dtype(), [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(shape);
      T* po = raw_data<T>(out);
      for (int64_t o = 0; o < outer; ++o) {
        for (const auto& t : ts) {
          const int64_t n = t.shape()[dim] * inner;
          po = std::copy_n(raw_data<T>(t) + o * n, n, po);
        }
      }
      return out;
    });
  }
  // Each input gets its own slice of the gradient.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const int64_t dim = ctx->saved_data.get<int64_t>("dim");
    const int64_t n = ctx->saved_data.get<int64_t>("n");
    TensorList grads;
    int64_t offset = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t size = ctx->input_shape(i)[dim];
      grads.push_back(ctx->needs_input_grad(i) ? slice(g[0], dim, offset, offset + size)
                                               : Tensor());
      offset += size;
    }
    return grads;
  }
};

struct Split : Function<Split> {
  static constexpr const char* name = "split";
  static constexpr bool accepts_strided = true;  // views
  // Each piece is a view: x's strides, its size along dim, its start's offset.
  static TensorList forward(AutogradContext* ctx, const Tensor& x, const Shape& sizes,
                            int64_t dim) {
    ctx->saved_data["dim"] = dim;
    TensorList outs;
    int64_t start = 0;
    for (int64_t size : sizes) {
      Shape shape = x.shape();
      shape[dim] = size;
      outs.push_back(
          make_strided_view(x, shape, x.strides(), x.storage_offset() + start * x.strides()[dim]));
      start += size;
    }
    return outs;
  }
  // The gradients (zeros for unused outputs) joined back together.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {concat(g, ctx->saved_data.get<int64_t>("dim"))};
  }
};

}  // namespace

namespace {
Tensor expand_impl(const Tensor& x, const Shape& requested, const char* op) {
  kernels::check_floating(x, op);  // float only, as before (tests/ops/op_errors_test.cpp)
  // As in libtorch, -1 keeps the input's size in that dimension; no other negative is a size.
  Shape shape = requested;
  const auto rank = static_cast<int64_t>(shape.size());
  const int64_t lead = rank - x.dim();
  for (int64_t i = 0; i < rank; ++i) {
    if (shape[i] >= 0) continue;
    if (shape[i] == -1 && i >= lead) {
      shape[i] = x.shape()[i - lead];
      continue;
    }
    throw ValueError(fmt::format(
        "{}: size {} at dimension {} of {} is not allowed (sizes are >= 0, or -1 to keep the "
        "input's size in a dimension it has; the input has shape {})",
        op, shape[i], i, shape_str(requested), shape_str(x.shape())));
  }
  (void)shape_numel(shape);  // ShapeError when the expanded shape cannot exist
  const Shape b = broadcast_shapes(x.shape(), shape, op);
  if (b != shape) {
    throw ShapeError(
        fmt::format("{}: cannot broadcast {} to {}", op, shape_str(x.shape()), shape_str(shape)));
  }
  if (x.shape() == shape) return x;
  return Expand::apply(x, shape);
}

/// Checks a list for concat/stack: non-empty, defined, one dtype.
void check_list(const TensorList& ts, const char* op) {
  if (ts.empty()) throw ValueError(fmt::format("{}: expected a non-empty list of tensors", op));
  for (size_t i = 0; i < ts.size(); ++i) {
    if (!ts[i].defined()) throw ValueError(fmt::format("{}: tensor {} is undefined", op, i));
    if (ts[i].dtype() != ts[0].dtype()) {
      throw DTypeError(fmt::format("{}: tensor {} is {} but tensor 0 is {} (convert with .to())",
                                   op, i, dtype_name(ts[i].dtype()), dtype_name(ts[0].dtype())));
    }
  }
}
}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  if (x.defined() && x.shape() == shape) return x;
  return Reshape::apply(x, shape);
}

Tensor view(const Tensor& x, const Shape& shape) {
  check_defined(x, "view");
  const Shape out = infer_shape(x.shape(), shape, "view");
  if (!viewable(x, out)) (void)make_view(x, out, "view");  // libtorch's error: use reshape()
  return reshape(x, out);
}

namespace {
/// The backward of contiguous(): the gradient as it is (same elements, same shape).
struct Contiguous : Function<Contiguous> {
  static constexpr const char* name = "contiguous";
  static constexpr bool accepts_strided = true;  // it is what makes inputs contiguous
  static Tensor forward(AutogradContext*, const Tensor& x) { return dense_copy(x); }
  static TensorList backward(AutogradContext*, TensorList g) { return {g[0]}; }
};
}  // namespace

Tensor Tensor::contiguous() const {
  if (!defined()) throw ValueError("contiguous: the tensor is undefined");
  return is_contiguous() ? *this : Contiguous::apply(*this);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  check_defined(x, "flatten");
  const int64_t s = normalize_dim(start_dim, x.dim(), "flatten");
  const int64_t e = normalize_dim(end_dim, x.dim(), "flatten");
  if (x.dim() == 0) return reshape(x, {1});
  if (s > e) {
    throw ValueError(
        fmt::format("flatten: start_dim {} comes after end_dim {} for a tensor of shape {}",
                    start_dim, end_dim, shape_str(x.shape())));
  }
  const Shape& xs = x.shape();
  Shape shape(xs.begin(), xs.begin() + s);
  shape.push_back(prod(xs, s, e + 1));
  shape.insert(shape.end(), xs.begin() + e + 1, xs.end());
  return reshape(x, shape);
}

Tensor squeeze(const Tensor& x) {
  check_defined(x, "squeeze");
  Shape shape;
  for (int64_t s : x.shape())
    if (s != 1) shape.push_back(s);
  return reshape(x, shape);
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  check_defined(x, "squeeze");
  const int64_t d = normalize_dim(dim, x.dim(), "squeeze");
  if (x.dim() == 0 || x.shape()[d] != 1) return x;
  Shape shape = x.shape();
  shape.erase(shape.begin() + d);
  return reshape(x, shape);
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  check_defined(x, "unsqueeze");
  const int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  shape.insert(shape.begin() + d, 1);
  return reshape(x, shape);
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  kernels::check_floating(x, "transpose");  // float only, as before (op_errors_test.cpp)
  const int64_t d0 = normalize_dim(dim0, x.dim(), "transpose");
  const int64_t d1 = normalize_dim(dim1, x.dim(), "transpose");
  if (d0 == d1 || x.dim() < 2) return x;
  return Transpose::apply(x, d0, d1);
}

Tensor permute(const Tensor& x, const Shape& dims) {
  check_defined(x, "permute");
  if (static_cast<int64_t>(dims.size()) != x.dim()) {
    throw ShapeError(
        fmt::format("permute: dims {} has {} entries for a tensor of shape {} (rank {})",
                    shape_str(dims), dims.size(), shape_str(x.shape()), x.dim()));
  }
  Shape d(dims.size());
  std::vector<bool> seen(dims.size(), false);
  bool identity = true;
  for (size_t i = 0; i < dims.size(); ++i) {
    d[i] = normalize_dim(dims[i], x.dim(), "permute");
    if (seen[d[i]]) {
      throw ValueError(
          fmt::format("permute: dimension {} is repeated in dims {}", dims[i], shape_str(dims)));
    }
    seen[d[i]] = true;
    identity = identity && d[i] == static_cast<int64_t>(i);
  }
  if (identity) return x;
  return Permute::apply(x, d);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  return expand_impl(x, shape, "expand");
}

Tensor broadcast_to(const Tensor& x, const Shape& shape) {
  return expand_impl(x, shape, "broadcast_to");
}

Tensor concat(const TensorList& tensors, int64_t dim) {
  check_list(tensors, "concat");
  const Shape& first = tensors[0].shape();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].dim() == 0) {
      throw ShapeError(fmt::format(
          "concat: tensor {} is 0-d and cannot be concatenated (use stack, or reshape to [1])", i));
    }
  }
  const int64_t d = normalize_dim(dim, tensors[0].dim(), "concat");
  for (size_t i = 1; i < tensors.size(); ++i) {
    const Shape& s = tensors[i].shape();
    bool fits = s.size() == first.size();
    for (size_t k = 0; fits && k < s.size(); ++k)
      fits = static_cast<int64_t>(k) == d || s[k] == first[k];
    if (!fits) {
      throw ShapeError(fmt::format(
          "concat: tensors must match in every dimension but {}; tensor 0 has shape {}, "
          "tensor {} has shape {}",
          d, shape_str(first), i, shape_str(s)));
    }
  }
  return Concat::apply(tensors, d);
}

Tensor cat(const TensorList& tensors, int64_t dim) {
  return concat(tensors, dim);
}

Tensor stack(const TensorList& tensors, int64_t dim) {
  check_list(tensors, "stack");
  for (size_t i = 1; i < tensors.size(); ++i) {
    if (tensors[i].shape() != tensors[0].shape()) {
      throw ShapeError(fmt::format(
          "stack: tensors must all have one shape; tensor 0 has shape {}, tensor {} has shape {}",
          shape_str(tensors[0].shape()), i, shape_str(tensors[i].shape())));
    }
  }
  const int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  TensorList parts;
  parts.reserve(tensors.size());
  for (const auto& t : tensors) parts.push_back(unsqueeze(t, d));
  return Concat::apply(parts, d);
}

namespace {
/// The dim to split along (IndexError for a 0-d tensor or a dim out of range).
int64_t split_dim(const Tensor& x, int64_t dim, const char* op) {
  check_defined(x, op);
  if (x.dim() == 0) throw IndexError(fmt::format("{}: cannot split a 0-d tensor", op));
  return normalize_dim(dim, x.dim(), op);
}
}  // namespace

TensorList split(const Tensor& x, int64_t split_size, int64_t dim) {
  const int64_t d = split_dim(x, dim, "split");
  if (split_size <= 0) {
    throw ValueError(fmt::format("split: split_size must be positive, got {}", split_size));
  }
  const int64_t size = x.shape()[d];
  Shape sizes;
  for (int64_t at = 0; at < size; at += sizes.back())  // never past size: no overflow
    sizes.push_back(std::min(split_size, size - at));
  if (sizes.empty()) sizes.push_back(0);  // an empty dim gives one empty chunk, as in PyTorch
  return Split::apply(x, sizes, d);
}

TensorList split_with_sizes(const Tensor& x, const Shape& split_sizes, int64_t dim) {
  const int64_t d = split_dim(x, dim, "split_with_sizes");
  int64_t total = 0;
  bool overflow = false;
  for (int64_t s : split_sizes) {
    if (s < 0) {
      throw ValueError(
          fmt::format("split_with_sizes: sizes must be >= 0, got {}", shape_str(split_sizes)));
    }
    overflow = overflow || __builtin_add_overflow(total, s, &total);
  }
  if (overflow || total != x.shape()[d]) {  // sizes summing past int64 cannot match either
    throw ShapeError(fmt::format(
        "split_with_sizes: sizes {} sum to {}, but dimension {} of shape {} has size {}",
        shape_str(split_sizes), total, d, shape_str(x.shape()), x.shape()[d]));
  }
  if (split_sizes.empty()) return {};
  return Split::apply(x, split_sizes, d);
}

Tensor Tensor::reshape(const Shape& shape) const {
  return xgrad::reshape(*this, shape);
}
Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  return xgrad::transpose(*this, dim0, dim1);
}
Tensor Tensor::t() const {
  return dim() < 2 ? *this : xgrad::transpose(*this, 0, 1);
}

}  // namespace xgrad

namespace xgrad::ops {
// Defined in ops/indexing.cpp: slice, select, index_select, gather.
std::vector<OpSchema> indexing_op_schemas();

std::vector<OpSchema> shape_op_schemas() {
  auto with_shape = [](const char* name, Tensor (*fn)(const Tensor&, const Shape&)) {
    return OpSchema{name, 1, {"shape"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get<Shape>("shape"))};
                    }};
  };
  auto joining = [](const char* name, Tensor (*fn)(const TensorList&, int64_t)) {
    return OpSchema{name, OpSchema::kVariadic, {"dim"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in, a.get_or<int64_t>("dim", 0))};
                    }};
  };
  std::vector<OpSchema> schemas = {
      with_shape("reshape", reshape),
      with_shape("view", view),
      with_shape("expand", expand),
      with_shape("broadcast_to", broadcast_to),
      OpSchema{"transpose",
               1,
               {"dim0", "dim1"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{
                     transpose(in[0], a.get<int64_t>("dim0"), a.get<int64_t>("dim1"))};
               }},
      OpSchema{"permute",
               1,
               {"dims"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{permute(in[0], a.get<Shape>("dims"))};
               }},
      OpSchema{"flatten",
               1,
               {"start_dim", "end_dim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{flatten(in[0], a.get_or<int64_t>("start_dim", 0),
                                           a.get_or<int64_t>("end_dim", -1))};
               }},
      OpSchema{"squeeze",
               1,
               {"dim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{a.contains("dim") ? squeeze(in[0], a.get<int64_t>("dim"))
                                                     : squeeze(in[0])};
               }},
      OpSchema{"unsqueeze",
               1,
               {"dim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{unsqueeze(in[0], a.get<int64_t>("dim"))};
               }},
      joining("concat", concat),
      joining("cat", cat),
      joining("stack", stack),
      OpSchema{"split",
               1,
               {"split_size", "dim"},
               [](const TensorList& in, const Attrs& a) {
                 return split(in[0], a.get<int64_t>("split_size"), a.get_or<int64_t>("dim", 0));
               }},
      OpSchema{"split_with_sizes",
               1,
               {"split_sizes", "dim"},
               [](const TensorList& in, const Attrs& a) {
                 return split_with_sizes(in[0], a.get<Shape>("split_sizes"),
                                         a.get_or<int64_t>("dim", 0));
               }},
  };
  for (auto& s : indexing_op_schemas()) schemas.push_back(std::move(s));
  return schemas;
}
}  // namespace xgrad::ops
