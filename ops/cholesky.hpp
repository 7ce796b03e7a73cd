#pragma once
// Factorisation-based linear algebra for symmetric positive-definite matrices (what a Gaussian
// process needs): Cholesky factor, triangular and Cholesky solves, log-determinant, and the
// matrix helpers their backwards use (tril, diagonal, diag_embed). Factorisations and solves
// run in LAPACK (potrf, trtrs) through xtensor-blas; every op has a backward written with
// differentiable ops, so gradients of gradients work too.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Lower-triangular L with A = L Lᵀ for a symmetric positive-definite [n, n] A (only A's lower
/// triangle is read). ValueError when A is not positive definite (or holds NaN).
/// Example: auto L = cholesky(K + 1e-6 * eye(n, -1, kFloat64));
Tensor cholesky(const Tensor& a);
/// X with op(L) X = B for lower-triangular [n, n] L (its upper triangle is not read) and B
/// [n, m] or [n]; op(L) = Lᵀ when `transpose`. ValueError for a zero on L's diagonal.
Tensor triangular_solve(const Tensor& b, const Tensor& l, bool transpose = false);
/// X = (L Lᵀ)⁻¹ B from the Cholesky factor L: two triangular solves.
Tensor cholesky_solve(const Tensor& b, const Tensor& l);
/// log det A for a symmetric positive-definite A, as 2 Σ log diag(cholesky(A)). ValueError,
/// as cholesky's, when A is not positive definite: this is not a general-matrix logdet.
Tensor logdet(const Tensor& a);
/// The lower triangle of a 2-D tensor (entries above the diagonal set to 0).
Tensor tril(const Tensor& x);
/// The diagonal of a square [n, n] tensor, as [n].
Tensor diagonal(const Tensor& x);
/// The [n, n] matrix with v [n] on its diagonal and zeros elsewhere.
Tensor diag_embed(const Tensor& v);

}  // namespace xgrad
