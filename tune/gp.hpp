#pragma once
// A Gaussian-process regression model on the unit box, for the "gp" sampler.
//
//   kernel    Matérn-5/2 with one length-scale per input (ARD):
//               k(x, x') = s² (1 + √5 r + 5/3 r²) exp(-√5 r),  r² = Σ_j (x_j - x'_j)² / ℓ_j²
//   outputs   standardised (zero mean, unit variance) before fitting
//   fitting   ℓ, s² and the noise variance σ² maximise the log marginal likelihood plus log
//             priors (a MAP estimate), through xgrad's autograd (cholesky, cholesky_solve) and
//             xgrad's L-BFGS, from several starts (the previous fit, a default, random ones):
//               log p(y | θ) = -½ yᵀ K⁻¹ y - Σ log L_ii - n/2 log 2π,   K = L Lᵀ
//             priors (as BoTorch's classic defaults): ℓ ~ Gamma(3, 6), s² ~ Gamma(2, 0.15),
//             σ² ~ Gamma(1.1, 0.05); bounds ℓ in [0.01, 20], σ² >= 1e-6.
//   predict   mean and variance (and their gradients in x) in standardised units.
#include <cstdint>
#include <random>
#include <vector>

namespace xgrad::tune {

/// log ℓ (one per input), log s², log σ².
struct GpHyper {
  std::vector<double> log_lengthscale;
  double log_signal = 0, log_noise = -4;
};

class GpModel {
 public:
  /// Fits on n points x (row-major [n, d], in [0, 1]) with values y (raw: standardised here).
  /// `warm` (if not null and of dimension d) is one of the starts; `restarts` starts in all.
  static GpModel fit(const std::vector<double>& x, const std::vector<double>& y, int64_t d,
                     std::mt19937_64& rng, const GpHyper* warm, int restarts);
  /// The same model (same hyperparameters and standardisation) conditioned also on `x_more`
  /// with standardised values `y_std_more` (the constant liar's pending points).
  GpModel with_points(const std::vector<double>& x_more,
                      const std::vector<double>& y_std_more) const;

  /// Mean and variance at x [d] in standardised units; gradients into dmean, dvar when not null.
  void predict(const double* x, double* mean, double* var, double* dmean, double* dvar) const;
  /// Mean and variance at m points X (row-major [m, d]) at once: the products with K⁻¹ as
  /// one matrix product (what scoring thousands of candidates needs).
  void predict_batch(const double* X, int64_t m, double* mean, double* var) const;
  /// Smallest standardised observed value (what expected improvement improves on).
  double best_std() const { return best_std_; }
  double standardise(double y) const { return (y - y_mean_) / y_scale_; }
  const GpHyper& hyper() const { return hyper_; }
  int64_t dim() const { return d_; }
  int64_t size() const { return n_; }
  /// Length-scale of input j.
  double lengthscale(int64_t j) const;

 private:
  void condition();  // K⁻¹ and α = K⁻¹ y from x_, y_std_, hyper_

  int64_t n_ = 0, d_ = 0;
  std::vector<double> x_, y_std_;
  double y_mean_ = 0, y_scale_ = 1, best_std_ = 0;
  GpHyper hyper_;
  std::vector<double> inv_l2_;  // 1 / ℓ_j²
  std::vector<double> k_inv_;   // [n, n]
  std::vector<double> alpha_;   // [n]
};

/// log of expected improvement below `best` for a Gaussian N(mean, var), stable far into the
/// tail (where EI itself underflows to 0): EI = σ h(z), z = (best - mean) / σ,
/// h(z) = z Φ(z) + φ(z). Derivatives with respect to mean and var into d_mean, d_var.
double log_expected_improvement(double mean, double var, double best, double* d_mean,
                                double* d_var);

}  // namespace xgrad::tune
