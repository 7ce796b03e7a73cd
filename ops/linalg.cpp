// Matrix products through BLAS gemm (xtensor-blas over OpenBLAS). Transposes never
// materialise: they become gemm's transpose flags, in forward and in backward.
#include <xgrad/ops/linalg.hpp>

#include <xgrad/core/autocast.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/parallel.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/gemm.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/detail/weight_cache.hpp>
#include <xgrad/ops/elementwise.hpp>
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

/// A product's operands as autocast's weight cache has them rounded to bfloat16 (parameters
/// under autocast; nothing otherwise), held for the product's duration.
struct Rounded {
  Rounded(const Tensor& a, const Tensor& b)
      : a_(autocast_cache::rounded(a)), b_(autocast_cache::rounded(b)) {
    operands.a = a_.get();
    operands.b = b_.get();
  }
  blas::Bf16Operands operands;

 private:
  std::shared_ptr<const uint16_t[]> a_, b_;
};

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
      const Rounded rounded(a, b);
      blas::gemm(ta, tb, m, n, k, T(1), raw_data<T>(a), a.shape()[1], raw_data<T>(b), b.shape()[1],
                 T(0), raw_data<T>(out), n, {}, rounded.operands);
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

/// relu(x W^T + b) or x W^T + b as one gemm: the bias (and the relu) are its epilogue, applied
/// to each block of the product right after it is computed (ops/detail/gemm.hpp).
template <class T>
Tensor linear_forward(const Tensor& x, const Tensor& w, const Tensor& b, bool relu) {
  const int64_t n = x.shape()[0], out_features = w.shape()[0], k = x.shape()[1];
  Tensor y = empty_tensor<T>({n, out_features});
  T* py = raw_data<T>(y);
  blas::Epilogue<T> epilogue;
  epilogue.bias = b.defined() ? raw_data<T>(b) : nullptr;
  epilogue.relu = relu;
  if (y.numel() == 0) return y;
  if (k == 0) {  // an empty sum; BLAS rejects k = 0
    std::fill_n(py, y.numel(), T(0));
    blas::apply_epilogue(epilogue, py, out_features, 0, n, 0, out_features);
    return y;
  }
  const Rounded rounded(x, w);
  blas::gemm(false, true, n, out_features, k, T(1), raw_data<T>(x), k, raw_data<T>(w), k, T(0), py,
             out_features, epilogue, rounded.operands);
  return y;
}

/// The gradients of a linear layer's output pre-activation and bias from G, the gradient of
/// its output: dz = G (or G [y > 0] after a relu, y the layer's output) and db = the column
/// sums of dz, in one pass over G. Columns are split over threads in blocks, each column
/// summed over the rows in order, so the sums do not depend on the thread count.
/// Not recorded: for create_graph the callers compose differentiable ops instead.
template <class T>
void linear_output_grads(const T* g, const T* y, int64_t rows, int64_t cols, T* dz, T* db) {
  const int64_t grain = std::max<int64_t>(64, kElementwiseGrain / std::max<int64_t>(rows, 1));
  parallel_for(cols, grain, [&](int64_t c0, int64_t c1) {
    if (db) std::fill(db + c0, db + c1, T(0));
    for (int64_t r = 0; r < rows; ++r) {
      const T* gr = g + r * cols;
      T* dzr = dz ? dz + r * cols : nullptr;
      if (y) {
        const T* yr = y + r * cols;
        for (int64_t j = c0; j < c1; ++j) dzr[j] = yr[j] > T(0) ? gr[j] : T(0);
        if (db)
          for (int64_t j = c0; j < c1; ++j) db[j] += dzr[j];
      } else if (db) {
        for (int64_t j = c0; j < c1; ++j) db[j] += gr[j];
      }
    }
  });
}

/// The bias gradient of linear: column sums of G, one pass (see linear_output_grads).
Tensor bias_grad(const Tensor& g) {
  if (GradMode::is_enabled()) return sum(g, {0});  // create_graph: differentiable
  return visit_floating(g.dtype(), "linear", [&](auto z) {
    using T = decltype(z);
    const int64_t cols = g.shape()[1];
    Tensor db = empty_tensor<T>({cols});
    linear_output_grads<T>(raw_data<T>(g), nullptr, g.shape()[0], cols, nullptr, raw_data<T>(db));
    return db;
  });
}

/// G [y > 0], the gradient of relu's input from that of its output y, and (when `with_bias`)
/// its column sums, the bias gradient, in one pass. Recorded under create_graph: then the
/// product with a constant mask, differentiable in G, and sum().
std::pair<Tensor, Tensor> relu_linear_grads(const Tensor& g, const Tensor& y, bool with_bias) {
  if (GradMode::is_enabled()) {
    const Tensor mask = kernels::unary(
        y.detach(), "linear_relu", [](auto v) { return v > 0 ? decltype(v)(1) : decltype(v)(0); });
    Tensor dz = g * mask;
    return {dz, with_bias ? sum(dz, {0}) : Tensor()};
  }
  return visit_floating(g.dtype(), "linear_relu", [&](auto z) {
    using T = decltype(z);
    const int64_t rows = g.shape()[0], cols = g.shape()[1];
    Tensor dz = empty_tensor<T>(g.shape());
    Tensor db = with_bias ? empty_tensor<T>({cols}) : Tensor();
    linear_output_grads<T>(raw_data<T>(g), raw_data<T>(y), rows, cols, raw_data<T>(dz),
                           with_bias ? raw_data<T>(db) : nullptr);
    return std::pair<Tensor, Tensor>{dz, db};
  });
}

/// y = x W^T + b.
struct Linear : Function<Linear> {
  static constexpr const char* name = "linear";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& w, const Tensor& b) {
    ctx->save_for_backward({x, w});
    save_autocast(ctx);
    return visit_floating(x.dtype(), name,
                          [&](auto z) { return linear_forward<decltype(z)>(x, w, b, false); });
  }
  // dx = G W,  dW = G^T x,  db = column sums of G
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const AutocastGuard autocast(forward_autocast(ctx));
    Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) gx = mm(g[0], s[1], false, false);
    if (ctx->needs_input_grad(1)) gw = mm(g[0], s[0], true, false);
    if (ctx->needs_input_grad(2)) gb = bias_grad(g[0]);
    return {gx, gw, gb};
  }
};

/// y = relu(x W^T + b), fused: the relu is the product's epilogue, so the pre-activation is
/// never stored. Saves y (its sign is the relu's mask, as relu's own backward reads it).
struct LinearRelu : Function<LinearRelu> {
  static constexpr const char* name = "linear_relu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& w, const Tensor& b) {
    save_autocast(ctx);
    Tensor y = visit_floating(x.dtype(), name,
                              [&](auto z) { return linear_forward<decltype(z)>(x, w, b, true); });
    ctx->save_for_backward({x, w, y});
    return y;
  }
  // dz = G [y > 0], then linear's rule with dz: dx = dz W, dW = dz^T x, db = column sums of dz
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const AutocastGuard autocast(forward_autocast(ctx));
    auto [gz, gb] = relu_linear_grads(g[0], s[2], ctx->needs_input_grad(2));
    Tensor gx, gw;
    if (ctx->needs_input_grad(0)) gx = mm(gz, s[1], false, false);
    if (ctx->needs_input_grad(1)) gw = mm(gz, s[0], true, false);
    return {gx, gw, gb};
  }
};

/// Checks linear's operands (shapes and dtypes); `op` names the caller in errors.
void check_linear(const Tensor& x, const Tensor& weight, const Tensor& bias, const char* op) {
  kernels::check_binary(x, weight, op);
  if (bias.defined()) kernels::check_binary(x, bias, op);
  if (weight.dim() != 2 || x.dim() < 1 || x.shape().back() != weight.shape()[1] ||
      (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]))) {
    throw ShapeError(
        fmt::format("{}: input {} does not fit weight {}{} (expected [..., in_features], "
                    "[out_features, in_features] and [out_features])",
                    op, shape_str(x.shape()), shape_str(weight.shape()),
                    bias.defined() ? " and bias " + shape_str(bias.shape()) : std::string()));
  }
}

/// F::apply on x with its leading dims flattened into rows (one gemm), reshaped back.
template <class F>
Tensor apply_linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  if (x.dim() == 2) return F::apply(x, weight, bias);
  Shape out_shape = x.shape();
  out_shape.back() = weight.shape()[0];
  const int64_t rows = shape_numel(Shape(x.shape().begin(), x.shape().end() - 1));
  return reshape(F::apply(reshape(x, {rows, x.shape().back()}), weight, bias), out_shape);
}

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
  check_linear(x, weight, bias, "linear");
  return apply_linear<Linear>(x, weight, bias);
}

Tensor linear_relu(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_linear(x, weight, bias, "linear_relu");
  return apply_linear<LinearRelu>(x, weight, bias);
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
      OpSchema{"linear_relu",
               OpSchema::kVariadic,
               {},
               [](const TensorList& in, const Attrs&) {
                 if (in.size() != 2 && in.size() != 3)
                   throw ValueError(
                       fmt::format("ops::call: 'linear_relu' takes 2 or 3 tensor inputs (x, "
                                   "weight[, bias]), got {}",
                                   in.size()));
                 return TensorList{linear_relu(in[0], in[1], in.size() == 3 ? in[2] : Tensor())};
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
