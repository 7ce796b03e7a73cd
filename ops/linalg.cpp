// Matrix products through BLAS gemm (xtensor-blas over OpenBLAS). Transposes never
// materialise: they become gemm's transpose flags, in forward and in backward.
#include "ops/linalg.hpp"

#include <xtensor-blas/xblas.hpp>

#include "core/function.hpp"
#include "ops/builtin.hpp"
#include "ops/kernels.hpp"

namespace xgrad {
namespace {

/// Rows and columns of op(x) for a 2-D x.
std::pair<int64_t, int64_t> op_dims(const Tensor& x, bool transposed) {
  return transposed ? std::pair{x.shape()[1], x.shape()[0]} : std::pair{x.shape()[0], x.shape()[1]};
}

struct Mm : Function<Mm> {
  static constexpr const char* name = "mm";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b, bool ta, bool tb) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["ta"] = ta;
    ctx->saved_data["tb"] = tb;
    const auto [m, k] = op_dims(a, ta);
    const int64_t n = op_dims(b, tb).second;
    return visit_floating(a.dtype(), "matmul", [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({m, n});
      if (m == 0 || n == 0) return out;
      if (k == 0) {
        std::fill_n(raw_data<T>(out), m * n, T(0));  // an empty sum; BLAS rejects k = 0
        return out;
      }
      auto o = as_xt<T>(out);
      xt::blas::gemm(as_xt<T>(a), as_xt<T>(b), o, ta, tb, T(1), T(0));
      return out;
    });
  }
  // C = op(A) op(B):  d op(A) = G op(B)^T,  d op(B) = op(A)^T G, each folded into one gemm.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const bool ta = ctx->saved_data.get<bool>("ta"), tb = ctx->saved_data.get<bool>("tb");
    Tensor ga, gb;
    if (ctx->needs_input_grad(0)) ga = ta ? mm(s[1], g[0], tb, true) : mm(g[0], s[1], false, !tb);
    if (ctx->needs_input_grad(1)) gb = tb ? mm(g[0], s[0], true, ta) : mm(s[0], g[0], !ta, false);
    return {ga, gb};
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

Tensor matmul(const Tensor& a, const Tensor& b) {
  return mm(a, b, false, false);
}
Tensor Tensor::matmul(const Tensor& other) const {
  return xgrad::matmul(*this, other);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> linalg_op_schemas() {
  return {
      binary_schema("matmul", matmul),
      OpSchema{"mm", 2, {"transpose_a", "transpose_b"}, [](const TensorList& in, const Attrs& a) {
                 return TensorList{mm(in[0], in[1], a.get_or<bool>("transpose_a", false),
                                      a.get_or<bool>("transpose_b", false))};
               }},
  };
}
}  // namespace xgrad::ops
