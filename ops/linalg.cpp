// Matrix products through BLAS gemm (xtensor-blas over OpenBLAS). Transposes never
// materialise: they become gemm's transpose flags, in forward and in backward.
#include <xgrad/ops/linalg.hpp>

#include <xgrad/core/autocast.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/gemm.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

/// Rows and columns of op(x) for a 2-D x.
std::pair<int64_t, int64_t> op_dims(const Tensor& x, bool transposed) {
  return transposed ? std::pair{x.shape()[1], x.shape()[0]} : std::pair{x.shape()[0], x.shape()[1]};
}

/// Autocast (core/autocast.hpp): a product's backward runs its products under the autocast
/// state of its forward, not that of whichever thread (a TBB worker) runs the backward.
void save_autocast(AutogradContext* ctx) {
  ctx->saved_data["autocast"] = static_cast<int64_t>(autocast_dtype());
}
AutocastDType forward_autocast(AutogradContext* ctx) {
  return static_cast<AutocastDType>(ctx->saved_data.get<int64_t>("autocast"));
}

struct Mm : Function<Mm> {
  static constexpr const char* name = "mm";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b, bool ta, bool tb) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["ta"] = ta;
    ctx->saved_data["tb"] = tb;
    save_autocast(ctx);
    // Plain variables, not a structured binding: the lambda below captures them, which C++17
    // (and clang 14, which builds the fuzz targets) does not allow for bindings.
    const int64_t m = op_dims(a, ta).first, k = op_dims(a, ta).second;
    const int64_t n = op_dims(b, tb).second;
    return visit_floating(a.dtype(), "matmul", [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({m, n});
      if (m == 0 || n == 0) return out;
      if (k == 0) {
        std::fill_n(raw_data<T>(out), m * n, T(0));  // an empty sum; BLAS rejects k = 0
        return out;
      }
      blas::gemm(ta, tb, m, n, k, T(1), raw_data<T>(a), a.shape()[1], raw_data<T>(b), b.shape()[1],
                 T(0), raw_data<T>(out), n);
      return out;
    });
  }
  // C = op(A) op(B):  d op(A) = G op(B)^T,  d op(B) = op(A)^T G, each folded into one gemm.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const AutocastGuard autocast(forward_autocast(ctx));
    const bool ta = ctx->saved_data.get<bool>("ta"), tb = ctx->saved_data.get<bool>("tb");
    Tensor ga, gb;
    if (ctx->needs_input_grad(0)) ga = ta ? mm(s[1], g[0], tb, true) : mm(g[0], s[1], false, !tb);
    if (ctx->needs_input_grad(1)) gb = tb ? mm(g[0], s[0], true, ta) : mm(s[0], g[0], !ta, false);
    return {ga, gb};
  }
};

/// Batched op(a[i]) op(b[i]) for 3-D a, b of one batch size: one gemm per batch entry.
struct Bmm : Function<Bmm> {
  static constexpr const char* name = "bmm";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b, bool ta, bool tb) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["ta"] = ta;
    ctx->saved_data["tb"] = tb;
    save_autocast(ctx);
    const int64_t batch = a.shape()[0];
    const int64_t m = ta ? a.shape()[2] : a.shape()[1], k = ta ? a.shape()[1] : a.shape()[2];
    const int64_t n = tb ? b.shape()[1] : b.shape()[2];
    return visit_floating(a.dtype(), "matmul", [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({batch, m, n});
      if (out.numel() == 0) return out;
      if (k == 0) {
        std::fill_n(raw_data<T>(out), out.numel(), T(0));
        return out;
      }
      const int64_t a_size = a.shape()[1] * a.shape()[2], b_size = b.shape()[1] * b.shape()[2];
      for (int64_t i = 0; i < batch; ++i) {
        blas::gemm(ta, tb, m, n, k, T(1), raw_data<T>(a) + i * a_size, a.shape()[2],
                   raw_data<T>(b) + i * b_size, b.shape()[2], T(0), raw_data<T>(out) + i * m * n,
                   n);
      }
      return out;
    });
  }
  // The same rule as mm, batch entry by batch entry.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const AutocastGuard autocast(forward_autocast(ctx));
    const bool ta = ctx->saved_data.get<bool>("ta"), tb = ctx->saved_data.get<bool>("tb");
    Tensor ga, gb;
    if (ctx->needs_input_grad(0)) ga = ta ? bmm(s[1], g[0], tb, true) : bmm(g[0], s[1], false, !tb);
    if (ctx->needs_input_grad(1)) gb = tb ? bmm(g[0], s[0], true, ta) : bmm(s[0], g[0], !ta, false);
    return {ga, gb};
  }
};

/// y = x W^T + b as one gemm: b is copied into every row of y, then gemm adds x W^T (beta = 1).
struct Linear : Function<Linear> {
  static constexpr const char* name = "linear";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& w, const Tensor& b) {
    ctx->save_for_backward({x, w});
    save_autocast(ctx);
    const int64_t n = x.shape()[0], out_features = w.shape()[0];
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor y = empty_tensor<T>({n, out_features});
      T* py = raw_data<T>(y);
      if (b.defined()) {
        const T* pb = raw_data<T>(b);
        for (int64_t r = 0; r < n; ++r) std::copy_n(pb, out_features, py + r * out_features);
      } else {
        std::fill_n(py, y.numel(), T(0));
      }
      if (y.numel() > 0 && x.shape()[1] > 0) {
        const int64_t k = x.shape()[1];
        blas::gemm(false, true, n, out_features, k, T(1), raw_data<T>(x), k, raw_data<T>(w), k,
                   T(1), py, out_features);
      }
      return y;
    });
  }
  // dx = G W,  dW = G^T x,  db = column sums of G
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const AutocastGuard autocast(forward_autocast(ctx));
    Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) gx = mm(g[0], s[1], false, false);
    if (ctx->needs_input_grad(1)) gw = mm(g[0], s[0], true, false);
    if (ctx->needs_input_grad(2)) gb = sum(g[0], {0});
    return {gx, gw, gb};
  }
};

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  kernels::check_binary(a, b, "matmul");
  if (a.dim() != 2 || b.dim() != 2) {
    throw ShapeError(fmt::format("matmul: expected 2-D tensors, got shapes {} and {}",
                                 shape_str(a.shape()), shape_str(b.shape())));
  }
  const int64_t ka = op_dims(a, transpose_a).second, kb = op_dims(b, transpose_b).first;
  if (ka != kb) {
    throw ShapeError(
        fmt::format("matmul: cannot multiply {}{} by {}{}: inner dimensions {} and {} differ",
                    shape_str(a.shape()), transpose_a ? "ᵀ" : "", shape_str(b.shape()),
                    transpose_b ? "ᵀ" : "", ka, kb));
  }
  return Mm::apply(a, b, transpose_a, transpose_b);
}

Tensor bmm(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  kernels::check_binary(a, b, "matmul");
  if (a.dim() != 3 || b.dim() != 3 || a.shape()[0] != b.shape()[0]) {
    throw ShapeError(
        fmt::format("matmul: batched product needs 3-D tensors of one batch size, "
                    "got {} and {}",
                    shape_str(a.shape()), shape_str(b.shape())));
  }
  const int64_t ka = transpose_a ? a.shape()[1] : a.shape()[2];
  const int64_t kb = transpose_b ? b.shape()[2] : b.shape()[1];
  if (ka != kb) {
    throw ShapeError(
        fmt::format("matmul: cannot multiply batches of {} by {}: inner dimensions "
                    "{} and {} differ",
                    shape_str(a.shape()), shape_str(b.shape()), ka, kb));
  }
  return Bmm::apply(a, b, transpose_a, transpose_b);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  kernels::check_binary(a, b, "matmul");
  const int64_t ra = a.dim(), rb = b.dim();
  const auto inner_mismatch = [&](int64_t ka, int64_t kb) {
    return ShapeError(
        fmt::format("matmul: cannot multiply {} by {}: inner dimensions {} and {} "
                    "differ",
                    shape_str(a.shape()), shape_str(b.shape()), ka, kb));
  };
  if (ra == 2 && rb == 2) return mm(a, b, false, false);
  if (ra == 1 && rb == 1) {  // dot product -> 0-d
    if (a.shape()[0] != b.shape()[0]) throw inner_mismatch(a.shape()[0], b.shape()[0]);
    return reshape(mm(reshape(a, {1, a.shape()[0]}), reshape(b, {b.shape()[0], 1}), false, false),
                   {});
  }
  if (ra == 2 && rb == 1) {  // matrix-vector -> [m]
    if (a.shape()[1] != b.shape()[0]) throw inner_mismatch(a.shape()[1], b.shape()[0]);
    return reshape(mm(a, reshape(b, {b.shape()[0], 1}), false, false), {a.shape()[0]});
  }
  if (ra == 1 && rb == 2) {  // vector-matrix -> [n]
    if (a.shape()[0] != b.shape()[0]) throw inner_mismatch(a.shape()[0], b.shape()[0]);
    return reshape(mm(reshape(a, {1, a.shape()[0]}), b, false, false), {b.shape()[1]});
  }
  if (ra == 3 && rb == 2) {  // a batch of rows times one matrix: one gemm on [B*m, k]
    if (a.shape()[2] != b.shape()[0]) throw inner_mismatch(a.shape()[2], b.shape()[0]);
    const Tensor flat =
        mm(reshape(a, {a.shape()[0] * a.shape()[1], a.shape()[2]}), b, false, false);
    return reshape(flat, {a.shape()[0], a.shape()[1], b.shape()[1]});
  }
  if ((ra == 2 || ra == 3) && rb == 3) {
    const Tensor a3 = ra == 2 ? reshape(a, {1, a.shape()[0], a.shape()[1]}) : a;
    if (a3.shape()[2] != b.shape()[1]) throw inner_mismatch(a3.shape()[2], b.shape()[1]);
    const int64_t batch = a3.shape()[0] == 1 ? b.shape()[0] : a3.shape()[0];
    if ((a3.shape()[0] != batch && a3.shape()[0] != 1) ||
        (b.shape()[0] != batch && b.shape()[0] != 1)) {
      throw ShapeError(fmt::format("matmul: batch sizes of {} and {} cannot be broadcast",
                                   shape_str(a.shape()), shape_str(b.shape())));
    }
    // A batch of 1 is broadcast (expand's backward sums its gradient back).
    return bmm(expand(a3, {batch, a3.shape()[1], a3.shape()[2]}),
               expand(b, {batch, b.shape()[1], b.shape()[2]}), false, false);
  }
  return matmul_broadcast(a, b);  // batch dims beyond 3-D, or 3-D with 1-D
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  kernels::check_binary(x, weight, "linear");
  if (bias.defined()) kernels::check_binary(x, bias, "linear");
  if (weight.dim() != 2 || x.dim() < 1 || x.shape().back() != weight.shape()[1] ||
      (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]))) {
    throw ShapeError(
        fmt::format("linear: input {} does not fit weight {}{} (expected [..., in_features], "
                    "[out_features, in_features] and [out_features])",
                    shape_str(x.shape()), shape_str(weight.shape()),
                    bias.defined() ? " and bias " + shape_str(bias.shape()) : std::string()));
  }
  if (x.dim() == 2) return Linear::apply(x, weight, bias);
  // Leading dims are flattened into rows for the one gemm.
  Shape out_shape = x.shape();
  out_shape.back() = weight.shape()[0];
  const int64_t rows = shape_numel(Shape(x.shape().begin(), x.shape().end() - 1));
  return reshape(Linear::apply(reshape(x, {rows, x.shape().back()}), weight, bias), out_shape);
}

Tensor outer(const Tensor& a, const Tensor& b) {
  kernels::check_binary(a, b, "outer");
  if (a.dim() != 1 || b.dim() != 1) {
    throw ShapeError(fmt::format("outer: expected 1-D tensors, got {} and {}", shape_str(a.shape()),
                                 shape_str(b.shape())));
  }
  return mm(reshape(a, {a.shape()[0], 1}), reshape(b, {1, b.shape()[0]}), false, false);
}
Tensor Tensor::matmul(const Tensor& other) const {
  return xgrad::matmul(*this, other);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> linalg_op_schemas() {
  return {
      binary_schema("matmul", matmul),
      binary_schema("outer", outer),
      OpSchema{"bmm",
               2,
               {"transpose_a", "transpose_b"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{bmm(in[0], in[1], a.get_or<bool>("transpose_a", false),
                                       a.get_or<bool>("transpose_b", false))};
               }},
      OpSchema{"linear",
               OpSchema::kVariadic,
               {},
               [](const TensorList& in, const Attrs&) {
                 if (in.size() != 2 && in.size() != 3)
                   throw ValueError(fmt::format(
                       "ops::call: 'linear' takes 2 or 3 tensor inputs (x, weight[, bias]), got {}",
                       in.size()));
                 return TensorList{linear(in[0], in[1], in.size() == 3 ? in[2] : Tensor())};
               }},
      OpSchema{"mm",
               2,
               {"transpose_a", "transpose_b"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{mm(in[0], in[1], a.get_or<bool>("transpose_a", false),
                                      a.get_or<bool>("transpose_b", false))};
               }},
  };
}
}  // namespace xgrad::ops
