#include <xgrad/tune/gp.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/cholesky.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/indexing.hpp>
#include <xgrad/ops/linalg.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>
#include <xgrad/optim/optimizers/lbfgs.hpp>

namespace xgrad::tune {
namespace {

constexpr double kSqrt5 = 2.23606797749979;
constexpr double kJitter = 1e-6;  // added to the noise: keeps K well conditioned
constexpr double kLogLsMin = -4.605170185988091, kLogLsMax = 2.995732273553991;  // ℓ in [0.01, 20]
constexpr double kLogSignalMin = -4.605170185988091, kLogSignalMax = 4.605170185988091;
constexpr double kLogNoiseMin = -13.815510557964274, kLogNoiseMax = 0.0;  // σ² in [1e-6, 1]

Tensor vec(const std::vector<double>& v, Shape shape) {
  return tensor(v, shape, kFloat64);
}

// θ = [log ℓ_1..d, log s², log σ²] -> the negative log posterior (up to a constant).
// D holds the squared differences per input, [d, n*n]; y the standardised values [n, 1].
Tensor neg_log_posterior(const Tensor& theta, const Tensor& D, const Tensor& y, const Tensor& I,
                         int64_t n, int64_t d) {
  const Tensor log_ls = slice(theta, 0, 0, d);
  const Tensor log_signal = slice(theta, 0, d, d + 1);
  const Tensor log_noise = slice(theta, 0, d + 1, d + 2);
  const Tensor inv_l2 = reshape(exp(log_ls * -2.0), {1, d});
  const Tensor r2 = reshape(matmul(inv_l2, D), {n, n});
  // r = sqrt(r² + tiny): r² = 0 on the diagonal, where sqrt's derivative is infinite; the tiny
  // shift keeps it finite (and it meets a zero dr²/dθ there, so the gradient is exact).
  const Tensor s5r = sqrt(r2 + 1e-12) * kSqrt5;
  const Tensor k = exp(log_signal) * ((1.0 + s5r + r2 * (5.0 / 3.0)) * exp(-s5r));
  const Tensor K = k + I * (exp(log_noise) + kJitter);
  const Tensor L = cholesky(K);
  const Tensor alpha = cholesky_solve(y, L);
  const Tensor nll = sum(y * alpha) * 0.5 + sum(log(diagonal(L)));
  // Log priors: Gamma(a, b) on v = e^u has log density (a-1) u - b e^u (+ const).
  const Tensor prior = sum(log_ls * 2.0 - exp(log_ls) * 6.0) +
                       (log_signal - exp(log_signal) * 0.15) +
                       (log_noise * 0.1 - exp(log_noise) * 0.05);
  return nll - sum(prior);
}

void clamp_hyper(GpHyper& h) {
  for (auto& l : h.log_lengthscale) l = std::clamp(l, kLogLsMin, kLogLsMax);
  h.log_signal = std::clamp(h.log_signal, kLogSignalMin, kLogSignalMax);
  h.log_noise = std::clamp(h.log_noise, kLogNoiseMin, kLogNoiseMax);
}

}  // namespace

GpModel GpModel::fit(const std::vector<double>& x, const std::vector<double>& y, int64_t d,
                     std::mt19937_64& rng, const GpHyper* warm, int restarts) {
  GpModel m;
  m.n_ = int64_t(y.size());
  m.d_ = d;
  m.x_ = x;
  if (m.n_ == 0 || int64_t(x.size()) != m.n_ * d) {
    throw ValueError("GpModel::fit: needs at least one point, and x of n * d values");
  }
  double mean = 0;
  for (double v : y) mean += v;
  mean /= double(m.n_);
  double var = 0;
  for (double v : y) var += (v - mean) * (v - mean);
  const double sd = std::sqrt(var / double(m.n_));
  m.y_mean_ = mean;
  m.y_scale_ = sd > 1e-12 * std::max(1.0, std::abs(mean)) ? sd : 1.0;
  m.y_std_.resize(y.size());
  for (size_t i = 0; i < y.size(); ++i) m.y_std_[i] = (y[i] - mean) / m.y_scale_;
  m.best_std_ = *std::min_element(m.y_std_.begin(), m.y_std_.end());

  // Starts: the previous fit, a default (ℓ = 0.5, s² = 1, σ² = 1e-3), random length-scales.
  std::vector<GpHyper> starts;
  if (warm && int64_t(warm->log_lengthscale.size()) == d) starts.push_back(*warm);
  starts.push_back(GpHyper{std::vector<double>(size_t(d), std::log(0.5)), 0.0, std::log(1e-3)});
  std::uniform_real_distribution<double> u(std::log(0.05), std::log(2.0));
  starts.resize(std::min(starts.size(), size_t(std::max(restarts, 1))));  // `restarts` in all
  while (int(starts.size()) < std::max(restarts, 1)) {
    GpHyper h{std::vector<double>(size_t(d)), 0.0, std::log(1e-3)};
    for (auto& l : h.log_lengthscale) l = u(rng);
    starts.push_back(h);
  }

  const int64_t n = m.n_;
  std::vector<double> diff(static_cast<size_t>(d * n * n));
  for (int64_t j = 0; j < d; ++j)
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b) {
        const double t = x[size_t(a * d + j)] - x[size_t(b * d + j)];
        diff[size_t(j * n * n + a * n + b)] = t * t;
      }
  const Tensor D = vec(diff, {d, n * n});
  const Tensor Y = vec(m.y_std_, {n, 1});
  const Tensor I = eye(n, -1, kFloat64);

  double best_loss = std::numeric_limits<double>::infinity();
  GpHyper best = starts.front();
  for (const auto& s : starts) {
    std::vector<double> t0 = s.log_lengthscale;
    t0.push_back(s.log_signal);
    t0.push_back(s.log_noise);
    Tensor theta = vec(t0, {d + 2}).requires_grad_();
    try {
      // Tolerances in nats and in log-hyperparameters: finer changes do not move a proposal.
      optim::LBFGS opt({theta}, optim::LBFGSOptions(1)
                                    .max_iter(50)
                                    .tolerance_grad(1e-4)
                                    .tolerance_change(1e-6)
                                    .line_search_fn("strong_wolfe"));
      opt.step([&] {
        opt.zero_grad();
        Tensor loss = neg_log_posterior(theta, D, Y, I, n, d);
        loss.backward();
        return loss;
      });
      GpHyper h;
      const double* p = raw_data<double>(theta);
      h.log_lengthscale.assign(p, p + d);
      h.log_signal = p[d];
      h.log_noise = p[d + 1];
      clamp_hyper(h);
      std::vector<double> tc = h.log_lengthscale;
      tc.push_back(h.log_signal);
      tc.push_back(h.log_noise);
      NoGradGuard no_grad;
      const double loss = neg_log_posterior(vec(tc, {d + 2}), D, Y, I, n, d).item();
      if (std::isfinite(loss) && loss < best_loss) {
        best_loss = loss;
        best = h;
      }
    } catch (const Error&) {
      // A start whose line search reached a matrix that is not positive definite: skip it.
    }
  }
  clamp_hyper(best);
  m.hyper_ = best;
  m.condition();
  return m;
}

GpModel GpModel::with_points(const std::vector<double>& x_more,
                             const std::vector<double>& y_std_more) const {
  if (y_std_more.empty()) return *this;
  GpModel m = *this;
  m.x_.insert(m.x_.end(), x_more.begin(), x_more.end());
  m.y_std_.insert(m.y_std_.end(), y_std_more.begin(), y_std_more.end());
  m.n_ = int64_t(m.y_std_.size());
  m.condition();
  return m;
}

double GpModel::lengthscale(int64_t j) const {
  return std::exp(hyper_.log_lengthscale[size_t(j)]);
}

void GpModel::condition() {
  const int64_t n = n_, d = d_;
  inv_l2_.resize(size_t(d));
  for (int64_t j = 0; j < d; ++j)
    inv_l2_[size_t(j)] = std::exp(-2.0 * hyper_.log_lengthscale[size_t(j)]);
  const double s2 = std::exp(hyper_.log_signal), noise = std::exp(hyper_.log_noise) + kJitter;
  std::vector<double> K(size_t(n * n));
  for (int64_t a = 0; a < n; ++a)
    for (int64_t b = 0; b < n; ++b) {
      double r2 = 0;
      for (int64_t j = 0; j < d; ++j) {
        const double t = x_[size_t(a * d + j)] - x_[size_t(b * d + j)];
        r2 += t * t * inv_l2_[size_t(j)];
      }
      const double s5r = kSqrt5 * std::sqrt(r2);
      K[size_t(a * n + b)] =
          s2 * (1 + s5r + 5.0 / 3.0 * r2) * std::exp(-s5r) + (a == b ? noise : 0);
    }
  NoGradGuard no_grad;
  const Tensor L = cholesky(vec(K, {n, n}));
  const Tensor kinv = cholesky_solve(eye(n, -1, kFloat64), L);
  const Tensor alpha = cholesky_solve(vec(y_std_, {n}), L);
  k_inv_.assign(raw_data<double>(kinv), raw_data<double>(kinv) + n * n);
  alpha_.assign(raw_data<double>(alpha), raw_data<double>(alpha) + n);
}

// μ(x) = k*ᵀ α,  v(x) = s² - k*ᵀ K⁻¹ k*;  with ∂k_i/∂x_j = ∂k/∂r² · 2 (x_j - X_ij) / ℓ_j²,
// ∂k/∂r² = -5/6 s² (1 + √5 r) exp(-√5 r):  ∇μ = Σ_i α_i ∇k_i,  ∇v = -2 Σ_i (K⁻¹k*)_i ∇k_i.
void GpModel::predict(const double* x, double* mean, double* var, double* dmean,
                      double* dvar) const {
  const int64_t n = n_, d = d_;
  const double s2 = std::exp(hyper_.log_signal);
  thread_local std::vector<double> k, dk, w;
  k.resize(size_t(n));
  dk.resize(size_t(n));
  w.resize(size_t(n));
  double mu = 0;
  for (int64_t i = 0; i < n; ++i) {
    double r2 = 0;
    const double* xi = &x_[size_t(i * d)];
    for (int64_t j = 0; j < d; ++j) r2 += (x[j] - xi[j]) * (x[j] - xi[j]) * inv_l2_[size_t(j)];
    const double r = std::sqrt(r2), e = std::exp(-kSqrt5 * r);
    k[size_t(i)] = s2 * (1 + kSqrt5 * r + 5.0 / 3.0 * r2) * e;
    dk[size_t(i)] = -5.0 / 6.0 * s2 * (1 + kSqrt5 * r) * e;
    mu += k[size_t(i)] * alpha_[size_t(i)];
  }
  double quad = 0;
  for (int64_t a = 0; a < n; ++a) {
    const double* row = &k_inv_[size_t(a * n)];
    // Four partial sums: the compiler may not reorder one floating-point sum into vector lanes.
    double acc[4] = {0, 0, 0, 0};
    int64_t b = 0;
    for (; b + 4 <= n; b += 4)
      for (int l = 0; l < 4; ++l) acc[l] += row[b + l] * k[size_t(b + l)];
    for (; b < n; ++b) acc[0] += row[b] * k[size_t(b)];
    const double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    w[size_t(a)] = s;
    quad += s * k[size_t(a)];
  }
  *mean = mu;
  *var = std::max(s2 - quad, 1e-12 * s2);
  if (!dmean && !dvar) return;
  for (int64_t j = 0; j < d; ++j) {
    double gm = 0, gv = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double g = dk[size_t(i)] * 2 * (x[j] - x_[size_t(i * d + j)]) * inv_l2_[size_t(j)];
      gm += alpha_[size_t(i)] * g;
      gv += w[size_t(i)] * g;
    }
    if (dmean) dmean[j] = gm;
    if (dvar) dvar[j] = -2 * gv;
  }
}

void GpModel::predict_batch(const double* X, int64_t m, double* mean, double* var) const {
  const int64_t n = n_, d = d_;
  const double s2 = std::exp(hyper_.log_signal);
  std::vector<double> ks(static_cast<size_t>(m * n));
  for (int64_t c = 0; c < m; ++c) {
    const double* x = X + c * d;
    double mu = 0;
    for (int64_t i = 0; i < n; ++i) {
      double r2 = 0;
      const double* xi = &x_[size_t(i * d)];
      for (int64_t j = 0; j < d; ++j) r2 += (x[j] - xi[j]) * (x[j] - xi[j]) * inv_l2_[size_t(j)];
      const double r = std::sqrt(r2);
      const double k = s2 * (1 + kSqrt5 * r + 5.0 / 3.0 * r2) * std::exp(-kSqrt5 * r);
      ks[size_t(c * n + i)] = k;
      mu += k * alpha_[size_t(i)];
    }
    mean[c] = mu;
  }
  NoGradGuard no_grad;
  const Tensor Ks = vec(ks, {m, n});
  const Tensor W = mm(Ks, vec(k_inv_, {n, n}), false, false);  // K* K⁻¹ (K⁻¹ is symmetric)
  const double* w = raw_data<double>(W);
  for (int64_t c = 0; c < m; ++c) {
    double quad = 0;
    for (int64_t i = 0; i < n; ++i) quad += w[c * n + i] * ks[size_t(c * n + i)];
    var[c] = std::max(s2 - quad, 1e-12 * s2);
  }
}

double log_expected_improvement(double mean, double var, double best, double* d_mean,
                                double* d_var) {
  constexpr double kInvSqrt2Pi = 0.3989422804014327;
  const double sigma = std::sqrt(var);
  const double z = (best - mean) / sigma;
  const double log_phi = -0.5 * z * z + std::log(kInvSqrt2Pi);
  double log_h, ratio;  // ratio = Φ(z) / h(z) = d log h / dz
  if (z > -20) {        // direct: the cancellation in z Φ + φ costs at most ~3 digits here
    const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double h = z * cdf + std::exp(log_phi);
    log_h = std::log(h);
    ratio = cdf / h;
  } else {
    // Far in the tail h(z) = φ(z) (1/z² - 3/z⁴ + 15/z⁶ - 105/z⁸ ...) and
    // Φ(z) = φ(z) / |z| (1 - 1/z² + 3/z⁴ - 15/z⁶ + 105/z⁸ ...) (asymptotic series).
    const double q = 1 / (z * z);
    const double series = q * (1 - 3 * q + 15 * q * q - 105 * q * q * q);
    const double mills = (1 - q + 3 * q * q - 15 * q * q * q + 105 * q * q * q * q) / std::abs(z);
    log_h = log_phi + std::log(series);
    ratio = mills / series;
  }
  // (At z = -20 the series' first omitted term, 945/z¹⁰, is 1e-10 relative.)
  // log EI = ½ log v + log h(z);  dz/dμ = -1/σ,  dz/dv = -z / (2v).
  if (d_mean) *d_mean = -ratio / sigma;
  if (d_var) *d_var = 0.5 / var - ratio * z / (2 * var);
  return 0.5 * std::log(var) + log_h;
}

}  // namespace xgrad::tune
