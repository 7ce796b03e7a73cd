#include <xgrad/optim/regularizers/regularizer.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/reduce.hpp>

namespace xgrad::optim {

Regularizer::Regularizer(const std::string& name, double lambda, bool skip_1d, ParamFilter filter)
    : lambda_(lambda), skip_1d_(skip_1d), filter_(std::move(filter)) {
  if (!(lambda >= 0.0) || std::isinf(lambda)) {
    throw ValueError(fmt::format(
        "{}: lambda must be a finite number >= 0, got {}; it is the penalty strength in "
        "J = J0 + lambda * R",
        name, lambda));
  }
}

bool Regularizer::selects(const Tensor& param) const {
  if (skip_1d_ && param.dim() <= 1) return false;
  return !filter_ || filter_(param);
}

Tensor Regularizer::penalty(const std::vector<Tensor>& params) const {
  // Check every handle first, so a bad list fails before any graph is built.
  std::vector<const Tensor*> chosen;
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    if (!p.defined()) {
      throw ValueError(fmt::format("{}::penalty: parameter {} of {} is an undefined tensor", name(),
                                   i, params.size()));
    }
    if (p.dtype() != DType::Float32 && p.dtype() != DType::Float64) {
      throw DTypeError(fmt::format(
          "{}::penalty: parameter {} (shape {}) is {}, but only floating tensors can be "
          "penalised",
          name(), i, shape_str(p.shape()), dtype_name(p.dtype())));
    }
    if (selects(p)) chosen.push_back(&p);
  }
  // Nothing selected: a zero of the parameters' dtype, so it adds to a float64 loss too.
  if (chosen.empty()) return zeros({}, params.empty() ? DType::Float32 : params.front().dtype());
  if (lambda_ == 0.0) return zeros({}, chosen.front()->dtype());

  // Σ term(p) in list order (deterministic), in the dtype of the first selected parameter.
  const DType dtype = chosen.front()->dtype();
  Tensor total;
  for (const Tensor* p : chosen) {
    Tensor t = term(*p);
    if (t.dtype() != dtype) t = t.to(dtype);
    total = total.defined() ? total + t : t;
  }
  return total * lambda_;
}

L1::L1(const RegularizerOptions& o) : Regularizer("L1", o.lambda(), o.skip_1d(), o.filter()) {}

// R = Σ|θ|; abs' backward uses sign(0) = 0, so a weight at exactly 0 gets no push.
Tensor L1::term(const Tensor& p) const {
  return abs(p).sum();
}

L2::L2(const RegularizerOptions& o) : Regularizer("L2", o.lambda(), o.skip_1d(), o.filter()) {}

// R = Σθ²; θ·θ rather than pow keeps the backward a plain product, 2θ·g.
Tensor L2::term(const Tensor& p) const {
  return (p * p).sum();
}

ElasticNet::ElasticNet(const ElasticNetOptions& o)
    : Regularizer("ElasticNet", o.lambda(), o.skip_1d(), o.filter()), alpha_(o.alpha()) {
  if (!(alpha_ >= 0.0 && alpha_ <= 1.0)) {
    throw ValueError(
        fmt::format("ElasticNet: alpha must be in [0, 1], got {}; it is the L1 share of "
                    "R = alpha * sum|w| + (1 - alpha) * sum w^2",
                    alpha_));
  }
}

// R = α·Σ|θ| + (1−α)·Σθ²; a zero share is left out rather than multiplied by 0.
Tensor ElasticNet::term(const Tensor& p) const {
  if (alpha_ == 1.0) return abs(p).sum();
  if (alpha_ == 0.0) return (p * p).sum();
  return abs(p).sum() * alpha_ + (p * p).sum() * (1.0 - alpha_);
}

}  // namespace xgrad::optim
