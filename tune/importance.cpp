// Parameter importance as first-order Sobol indices of the GP's posterior mean μ over the
// unit box (Saltelli et al. 2010, estimator (b)): with A, B two independent uniform samples
// and A_B^(i) = A with parameter i's coordinates taken from B,
//   V_i ≈ 1/N Σ_k μ(B_k) (μ(A_B^(i)_k) - μ(A_k)),   S_i = V_i / Var(μ).
// Each parameter is one group (a categorical's one-hot block moves together); points are
// snapped to valid values, as the sampler's are. Negative estimates (noise) count as 0, and
// the indices are normalised to sum to 1 for display.
#include <cmath>
#include <random>

#include <xgrad/tune/detail/encoding.hpp>
#include <xgrad/tune/gp.hpp>
#include <xgrad/tune/report.hpp>

namespace xgrad::tune {

std::map<std::string, double> param_importance(const Study& study, uint64_t seed) {
  const auto trials = study.trials();
  const SearchSpace space = intersection_search_space(trials);
  const detail::Encoding enc(space);
  const int64_t D = enc.dims;
  std::vector<double> x, y;
  std::vector<double> u(static_cast<size_t>(D));
  for (const auto& t : trials) {
    if (t.state != TrialState::Complete || !std::isfinite(t.value)) continue;
    if (!enc.encode_trial(t, t.params, u.data())) continue;
    x.insert(x.end(), u.begin(), u.end());
    y.push_back(t.value);
  }
  std::map<std::string, double> out;
  if (D == 0 || y.size() < 3) return out;
  std::mt19937_64 rng(seed);
  const GpModel model = GpModel::fit(x, y, D, rng, nullptr, 2);
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  const int N = 2048;
  auto draw = [&](std::vector<double>& p) {
    for (auto& v : p) v = uni(rng);
    enc.snap(p.data());
  };
  auto mu = [&](const std::vector<double>& u) {
    double m, v;
    model.predict(u.data(), &m, &v, nullptr, nullptr);
    return m;
  };
  std::vector<std::vector<double>> A(N, std::vector<double>(size_t(D))), B = A;
  std::vector<double> fa(N), fb(N);
  double mean = 0, sq = 0;
  for (int k = 0; k < N; ++k) {
    draw(A[size_t(k)]);
    draw(B[size_t(k)]);
    fa[size_t(k)] = mu(A[size_t(k)]);
    fb[size_t(k)] = mu(B[size_t(k)]);
    mean += fa[size_t(k)] + fb[size_t(k)];
    sq += fa[size_t(k)] * fa[size_t(k)] + fb[size_t(k)] * fb[size_t(k)];
  }
  mean /= 2 * N;
  const double var = sq / (2 * N) - mean * mean;
  double total = 0;
  for (size_t p = 0; p < enc.names.size(); ++p) {
    double vi = 0;
    for (int k = 0; k < N; ++k) {
      std::vector<double> ab = A[size_t(k)];
      for (int64_t j = 0; j < enc.dists[p].unit_dims(); ++j)
        ab[size_t(enc.offset[p] + j)] = B[size_t(k)][size_t(enc.offset[p] + j)];
      vi += fb[size_t(k)] * (mu(ab) - fa[size_t(k)]);
    }
    const double s = var > 0 ? std::max(0.0, vi / N / var) : 0.0;
    out[enc.names[p]] = s;
    total += s;
  }
  for (auto& [n, s] : out) s = total > 0 ? s / total : 1.0 / double(out.size());
  return out;
}

}  // namespace xgrad::tune
