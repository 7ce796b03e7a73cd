// Shape manipulation: forward and backward side by side.
#include "ops/shape.hpp"

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xmanipulation.hpp>

#include "core/function.hpp"
#include "ops/builtin.hpp"
#include "ops/kernels.hpp"
#include "ops/reduce.hpp"

namespace xgrad {
namespace {

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
      known *= out[d];
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

struct Reshape : Function<Reshape> {
  static constexpr const char* name = "reshape";
  static Tensor forward(AutogradContext*, const Tensor& x, const Shape& shape) {
    if (!x.defined()) throw ValueError("reshape: the tensor is undefined");
    return make_view(x, infer_shape(x.shape(), shape, name));  // shares the data
  }
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {reshape(g[0], ctx->input_shape(0))};
  }
};

struct Transpose : Function<Transpose> {
  static constexpr const char* name = "transpose";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t d0, int64_t d1) {
    ctx->saved_data["d0"] = d0;
    ctx->saved_data["d1"] = d1;
    Shape shape = x.shape();
    std::swap(shape[d0], shape[d1]);
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(shape);
      auto o = as_xt<T>(out);
      XShape perm(static_cast<size_t>(x.dim()));
      for (size_t d = 0; d < perm.size(); ++d) perm[d] = d;
      std::swap(perm[d0], perm[d1]);
      xt::noalias(o) = xt::transpose(as_xt<T>(x), perm);
      return out;
    });
  }
  // The gradient of a transpose is the same transpose of the gradient.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {
        transpose(g[0], ctx->saved_data.get<int64_t>("d0"), ctx->saved_data.get<int64_t>("d1"))};
  }
};

struct Expand : Function<Expand> {
  static constexpr const char* name = "expand";
  static Tensor forward(AutogradContext*, const Tensor& x, const Shape& shape) {
    kernels::check_floating(x, name);
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(shape);
      T* po = raw_data<T>(out);
      if (x.numel() == 1) {
        std::fill_n(po, out.numel(), raw_data<T>(x)[0]);
      } else {
        auto o = as_xt<T>(out);
        xt::noalias(o) = xt::broadcast(as_xt<T>(x), to_xshape(shape));
      }
      return out;
    });
  }
  // The gradient of a broadcast sums over the broadcast dims.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {sum_to(g[0], ctx->input_shape(0))};
  }
};

}  // namespace

Tensor reshape(const Tensor& x, const Shape& shape) {
  if (x.defined() && x.shape() == shape) return x;
  return Reshape::apply(x, shape);
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  kernels::check_floating(x, "transpose");
  const int64_t d0 = normalize_dim(dim0, x.dim(), "transpose");
  const int64_t d1 = normalize_dim(dim1, x.dim(), "transpose");
  if (d0 == d1 || x.dim() < 2) return x;
  return Transpose::apply(x, d0, d1);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  if (!x.defined()) throw ValueError("expand: the tensor is undefined");
  const Shape b = broadcast_shapes(x.shape(), shape, "expand");
  if (b != shape) {
    throw ShapeError(
        fmt::format("expand: cannot broadcast {} to {}", shape_str(x.shape()), shape_str(shape)));
  }
  if (x.shape() == shape) return x;
  return Expand::apply(x, shape);
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
std::vector<OpSchema> shape_op_schemas() {
  auto with_shape = [](const char* name, Tensor (*fn)(const Tensor&, const Shape&)) {
    return OpSchema{name, 1, {"shape"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get<Shape>("shape"))};
                    }};
  };
  return {
      with_shape("reshape", reshape),
      with_shape("expand", expand),
      OpSchema{"transpose", 1, {"dim0", "dim1"}, [](const TensorList& in, const Attrs& a) {
                 return TensorList{transpose(in[0], a.get<int64_t>("dim0"), a.get<int64_t>("dim1"))};
               }},
  };
}
}  // namespace xgrad::ops
