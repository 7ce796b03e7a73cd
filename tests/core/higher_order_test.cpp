// Gradients of gradients on a small MLP: a Hessian-vector product and a gradient penalty
// (WGAN-GP style), both checked against finite differences in float64.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
struct SmallMlp {
  xg::Tensor w1, b1, w2, b2;
  SmallMlp() {
    xg::manual_seed(11);
    w1 = (xg::randn({5, 3}, xg::kFloat64) * 0.7).requires_grad_();
    b1 = (xg::randn({5}, xg::kFloat64) * 0.1).requires_grad_();
    w2 = (xg::randn({1, 5}, xg::kFloat64) * 0.7).requires_grad_();
    b2 = xg::zeros({1}, xg::kFloat64).requires_grad_();
  }
  xg::TensorList params() const { return {w1, b1, w2, b2}; }
  static xg::Tensor forward(const xg::Tensor& x, const xg::TensorList& p) {
    return xg::linear(xg::tanh(xg::linear(x, p[0], p[1])), p[2], p[3]);
  }
};

/// The flat gradient of loss(params) with respect to params, at params shifted by t * v.
std::vector<double> shifted_gradient(const SmallMlp& m, const xg::Tensor& x, const xg::Tensor& y,
                                     const xg::TensorList& v, double t) {
  xg::TensorList p;
  for (size_t i = 0; i < v.size(); ++i)
    p.push_back((m.params()[i].detach() + v[i] * t).requires_grad_());
  auto loss = xg::mse_loss(SmallMlp::forward(x, p), y);
  std::vector<double> flat;
  for (const auto& g : xg::grad({loss}, p)) {
    auto values = g.to_vector();
    flat.insert(flat.end(), values.begin(), values.end());
  }
  return flat;
}
}  // namespace

TEST(HigherOrder, HessianVectorProductMatchesFiniteDifferences) {
  SmallMlp m;
  const auto x = xg::randn({8, 3}, xg::kFloat64), y = xg::randn({8, 1}, xg::kFloat64);
  xg::TensorList v;
  for (const auto& p : m.params()) v.push_back(xg::randn(p.shape(), xg::kFloat64));

  // Hv = d/dθ (∇L(θ) · v)
  auto loss = xg::mse_loss(SmallMlp::forward(x, m.params()), y);
  auto grads = xg::grad({loss}, m.params(), {}, true, true);
  xg::Tensor dot = (grads[0] * v[0]).sum();
  for (size_t i = 1; i < grads.size(); ++i) dot = dot + (grads[i] * v[i]).sum();
  std::vector<double> hvp;
  for (const auto& h : xg::grad({dot}, m.params())) {
    auto values = h.to_vector();
    hvp.insert(hvp.end(), values.begin(), values.end());
  }

  // (∇L(θ + εv) - ∇L(θ - εv)) / 2ε
  const double eps = 1e-5;
  const auto plus = shifted_gradient(m, x, y, v, eps), minus = shifted_gradient(m, x, y, v, -eps);
  ASSERT_EQ(hvp.size(), plus.size());
  for (size_t i = 0; i < hvp.size(); ++i)
    EXPECT_NEAR(hvp[i], (plus[i] - minus[i]) / (2 * eps), 1e-6) << "entry " << i;
}

TEST(HigherOrder, GradientPenaltyPassesGradcheck) {
  SmallMlp m;
  auto x = xg::randn({4, 3}, xg::kFloat64).requires_grad_();
  // penalty = mean over samples of (|dD/dx_i| - 1)^2, differentiated w.r.t. the weights and x.
  auto penalty = [](const xg::TensorList& in) {
    const xg::Tensor& input = in[0];
    const xg::TensorList params(in.begin() + 1, in.end());
    auto d = SmallMlp::forward(input, params);
    auto dx = xg::grad({d.sum()}, {input}, {}, true, true)[0];  // [4, 3]
    auto norms = xg::sqrt((dx * dx).sum({1}));
    return ((norms - 1.0) * (norms - 1.0)).mean();
  };
  xg::TensorList inputs{x};
  for (const auto& p : m.params()) inputs.push_back(p);
  const auto r = xg::gradcheck(penalty, inputs);
  EXPECT_TRUE(r) << r.message;
}

TEST(HigherOrder, CrossEntropyStableForHugeLogits) {
  auto logits = xg::tensor({{1e4, -1e4, 0.0}, {-1e4, -1e4, 1e4}}, xg::kFloat64).requires_grad_();
  auto labels = xg::tensor(std::vector<int64_t>{1, 2}, {2});
  auto loss = xg::cross_entropy(logits, labels);
  EXPECT_NEAR(loss.item(), (2e4 + 0.0) / 2, 1e-9);  // row 0: 1e4 - (-1e4); row 1: 0
  loss.backward();
  for (double g : logits.grad().to_vector()) EXPECT_TRUE(std::isfinite(g));
  EXPECT_NEAR(logits.grad().at({0, 0}), 0.5, 1e-12);   // softmax 1, divided by N = 2
  EXPECT_NEAR(logits.grad().at({0, 1}), -0.5, 1e-12);  // softmax 0 minus 1
}
