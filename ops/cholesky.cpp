// Cholesky factorisation and triangular solves through LAPACK (xtensor-blas's cxxlapack
// bindings), with backwards written in differentiable ops.
//
// Layout: xgrad stores row-major, LAPACK reads column-major. A row-major buffer read
// column-major is the transpose, so a row-major lower-triangular L is, to LAPACK, the
// upper-triangular U = Lᵀ: potrf('U') on a symmetric A leaves L in the row-major lower
// triangle, and L X = B is trtrs('U', 'T') on L's buffer.
#include <xgrad/ops/cholesky.hpp>

#include <xtensor-blas/xblas.hpp>  // defines what xlapack.hpp's cxxlapack needs (ASSERT)
#include <xtensor-blas/xlapack.hpp>

#include <cmath>

#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/blas_threads.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/linalg.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

void check_square(const Tensor& a, const char* op) {
  kernels::check_floating(a, op);
  if (a.dim() != 2 || a.shape()[0] != a.shape()[1]) {
    throw ShapeError(
        fmt::format("{}: expected a square 2-D matrix, got shape {}", op, shape_str(a.shape())));
  }
}

struct Cholesky : Function<Cholesky> {
  static constexpr const char* name = "cholesky";
  static Tensor forward(AutogradContext* ctx, const Tensor& a) {
    const int64_t n = a.shape()[0];
    Tensor l = visit_floating(a.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({n, n});
      T* p = raw_data<T>(out);
      std::copy_n(raw_data<T>(a), n * n, p);
      if (n == 0) return out;
      blas::initialise_blas();
      const auto info =
          cxxlapack::potrf<xt::blas_index_t>('U', xt::blas_index_t(n), p, xt::blas_index_t(n));
      if (info != 0) {
        throw ValueError(fmt::format(
            "cholesky: the {}x{} matrix is not positive definite (LAPACK potrf info {}: the "
            "leading minor of order {} is not positive{}); add jitter to the diagonal or check "
            "that the matrix is symmetric",
            n, n, info, info, info < 0 ? ", or an argument was invalid" : ""));
      }
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t j = i + 1; j < n; ++j) p[i * n + j] = T(0);
        if (!std::isfinite(p[i * n + i])) {
          throw ValueError("cholesky: the matrix holds NaN or infinity");
        }
      }
      return out;
    });
    ctx->save_for_backward({l});
    return l;
  }
  // A = L Lᵀ (Murray 2016, as torch): P = Φ(Lᵀ Ḡ) with Φ = lower triangle, diagonal halved;
  // S = L⁻ᵀ P L⁻¹;  Ā = (S + Sᵀ) / 2  (symmetric: A's two triangles are one variable).
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor l = ctx->get_saved_variables()[0];
    const Tensor gl = tril(g[0]);
    Tensor p = tril(mm(l, gl, true, false));
    p = p - diag_embed(diagonal(p)) * 0.5;
    // S = L⁻ᵀ P L⁻¹ = L⁻ᵀ (L⁻ᵀ Pᵀ)ᵀ
    const Tensor right = triangular_solve(transpose(p, 0, 1), l, true);  // L⁻ᵀ Pᵀ = (P L⁻¹)ᵀ
    const Tensor s = triangular_solve(transpose(right, 0, 1), l, true);
    return {(s + transpose(s, 0, 1)) * 0.5};
  }
};

struct TriangularSolve : Function<TriangularSolve> {
  static constexpr const char* name = "triangular_solve";
  static Tensor forward(AutogradContext* ctx, const Tensor& b, const Tensor& l, bool trans) {
    const int64_t n = l.shape()[0], m = b.dim() == 1 ? 1 : b.shape()[1];
    Tensor x = visit_floating(b.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(b.shape());
      if (n == 0 || m == 0) return out;
      // B row-major [n, m] -> column-major [n, m] (LAPACK's right-hand sides are columns).
      std::vector<T> bc(static_cast<size_t>(n * m));
      const T* pb = raw_data<T>(b);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) bc[i + j * n] = pb[i * m + j];
      blas::initialise_blas();
      const auto info = cxxlapack::trtrs<xt::blas_index_t>(
          'U', trans ? 'N' : 'T', 'N', xt::blas_index_t(n), xt::blas_index_t(m), raw_data<T>(l),
          xt::blas_index_t(n), bc.data(), xt::blas_index_t(n));
      if (info != 0) {
        throw ValueError(fmt::format(
            "triangular_solve: L is singular (LAPACK trtrs info {}: diagonal entry {} is zero)",
            info, info));
      }
      T* po = raw_data<T>(out);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < m; ++j) po[i * m + j] = bc[i + j * n];
      return out;
    });
    ctx->save_for_backward({l, x});
    ctx->saved_data["trans"] = trans;
    return x;
  }
  // X = L⁻¹B:  B̄ = L⁻ᵀ Ḡ,  L̄ = -tril(B̄ Xᵀ).   X = L⁻ᵀB:  B̄ = L⁻¹ Ḡ,  L̄ = -tril(X B̄ᵀ).
  // (tril: the upper triangle of L is not read, so its gradient is zero.)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const Tensor& l = s[0];
    const bool trans = ctx->saved_data.get<bool>("trans");
    const bool vec = s[1].dim() == 1;
    const Tensor x = vec ? reshape(s[1], {s[1].shape()[0], 1}) : s[1];
    const Tensor gx = vec ? reshape(g[0], {g[0].shape()[0], 1}) : g[0];
    const Tensor gb = triangular_solve(gx, l, !trans);
    Tensor gl;
    if (ctx->needs_input_grad(1))
      gl = -tril(trans ? mm(x, gb, false, true) : mm(gb, x, false, true));
    return {vec ? reshape(gb, {gb.shape()[0]}) : gb, gl};
  }
};

struct Tril : Function<Tril> {
  static constexpr const char* name = "tril";
  static Tensor forward(AutogradContext*, const Tensor& x) {
    const int64_t r = x.shape()[0], c = x.shape()[1];
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(x.shape());
      const T* px = raw_data<T>(x);
      T* po = raw_data<T>(out);
      for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < c; ++j) po[i * c + j] = j <= i ? px[i * c + j] : T(0);
      return out;
    });
  }
  // Linear and idempotent: the gradient is tril(Ḡ).
  static TensorList backward(AutogradContext*, TensorList g) { return {tril(g[0])}; }
};

struct MatrixDiagonal : Function<MatrixDiagonal> {
  static constexpr const char* name = "diagonal";
  static Tensor forward(AutogradContext*, const Tensor& x) {
    const int64_t n = x.shape()[0];
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({n});
      for (int64_t i = 0; i < n; ++i) raw_data<T>(out)[i] = raw_data<T>(x)[i * n + i];
      return out;
    });
  }
  // The adjoint of taking the diagonal is placing it: diag_embed(Ḡ).
  static TensorList backward(AutogradContext*, TensorList g) { return {diag_embed(g[0])}; }
};

struct DiagEmbed : Function<DiagEmbed> {
  static constexpr const char* name = "diag_embed";
  static Tensor forward(AutogradContext*, const Tensor& v) {
    const int64_t n = v.shape()[0];
    return visit_floating(v.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({n, n});
      std::fill_n(raw_data<T>(out), n * n, T(0));
      for (int64_t i = 0; i < n; ++i) raw_data<T>(out)[i * n + i] = raw_data<T>(v)[i];
      return out;
    });
  }
  // The adjoint of placing on the diagonal is taking it: diagonal(Ḡ).
  static TensorList backward(AutogradContext*, TensorList g) { return {diagonal(g[0])}; }
};

}  // namespace

Tensor cholesky(const Tensor& a) {
  check_square(a, "cholesky");
  return Cholesky::apply(a);
}

Tensor triangular_solve(const Tensor& b, const Tensor& l, bool transpose) {
  check_square(l, "triangular_solve");
  kernels::check_binary(b, l, "triangular_solve");
  if ((b.dim() != 1 && b.dim() != 2) || b.shape()[0] != l.shape()[0]) {
    throw ShapeError(fmt::format(
        "triangular_solve: right-hand side of shape {} does not fit L of shape {} (expected "
        "[{}] or [{}, m])",
        shape_str(b.shape()), shape_str(l.shape()), l.shape()[0], l.shape()[0]));
  }
  return TriangularSolve::apply(b, l, transpose);
}

// (L Lᵀ) X = B  <=>  L Y = B, Lᵀ X = Y; composed, so its backward comes from the solves'.
Tensor cholesky_solve(const Tensor& b, const Tensor& l) {
  return triangular_solve(triangular_solve(b, l, false), l, true);
}

// det A = det(L)² = Π L_ii²  =>  log det A = 2 Σ log L_ii.
Tensor logdet(const Tensor& a) {
  check_square(a, "logdet");
  return sum(log(diagonal(cholesky(a)))) * 2.0;
}

Tensor tril(const Tensor& x) {
  kernels::check_floating(x, "tril");
  if (x.dim() != 2) {
    throw ShapeError(
        fmt::format("tril: expected a 2-D tensor, got shape {}", shape_str(x.shape())));
  }
  return Tril::apply(x);
}

Tensor diagonal(const Tensor& x) {
  check_square(x, "diagonal");
  return MatrixDiagonal::apply(x);
}

Tensor diag_embed(const Tensor& v) {
  kernels::check_floating(v, "diag_embed");
  if (v.dim() != 1) {
    throw ShapeError(
        fmt::format("diag_embed: expected a 1-D tensor, got shape {}", shape_str(v.shape())));
  }
  return DiagEmbed::apply(v);
}

}  // namespace xgrad
