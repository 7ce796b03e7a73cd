#pragma once
// Regularizers: a differentiable penalty λR(θ) added to the loss, J(θ) = J₀(θ) + λR(θ), so
// that backward() adds λ∇R to every penalised parameter's gradient.
//
//   xgrad::optim::L2 reg(xgrad::optim::RegularizerOptions(1e-4).skip_1d(true));
//   auto loss = xgrad::cross_entropy(model(x), y) + reg.penalty(model.parameters());
//
// The penalties (sums run over every element of every selected parameter):
//   L1          R = Σ|θ|                         ∂(λR)/∂θ = λ·sign(θ)   (sign(0) = 0)
//   L2          R = Σθ²        (no 1/2)          ∂(λR)/∂θ = 2λθ
//   ElasticNet  R = α·Σ|θ| + (1−α)·Σθ²           α ∈ [0, 1]: 1 is L1, 0 is L2
// PyTorch's weight_decay = wd (for SGD) adds wd·θ to the gradient, which is L2 with λ = wd/2.
//
// A subset: penalty(params) penalises what it is given; skip_1d(true) additionally skips
// tensors with at most one dimension (biases, norm scales), and filter(pred) keeps only the
// tensors for which pred returns true.
#include <functional>
#include <string>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad::optim {

/// Chooses the parameters a regularizer penalises: true keeps it.
/// Example: ParamFilter only_matrices = [](const Tensor& p) { return p.dim() == 2; };
using ParamFilter = std::function<bool(const Tensor&)>;

/// The options every regularizer shares, with chainable setters returning Derived&.
template <class Derived>
class RegularizerOptionsBase {
 public:
  /// The strength λ ≥ 0.  Example: RegularizerOptions().lambda(1e-4)
  Derived& lambda(double v) {
    lambda_ = v;
    return self();
  }
  double lambda() const { return lambda_; }
  /// Skip tensors with dim() ≤ 1 (biases).  Example: RegularizerOptions(1e-4).skip_1d(true)
  Derived& skip_1d(bool v) {
    skip_1d_ = v;
    return self();
  }
  bool skip_1d() const { return skip_1d_; }
  /// Penalise only tensors for which `pred` is true.  Example: .filter(only_matrices)
  Derived& filter(ParamFilter pred) {
    filter_ = std::move(pred);
    return self();
  }
  const ParamFilter& filter() const { return filter_; }

 protected:
  explicit RegularizerOptionsBase(double lambda) : lambda_(lambda) {}

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  double lambda_;
  bool skip_1d_ = false;
  ParamFilter filter_;
};

/// Options of L1 and L2.  Example: L1(RegularizerOptions(1e-5).skip_1d(true))
struct RegularizerOptions : RegularizerOptionsBase<RegularizerOptions> {
  explicit RegularizerOptions(double lambda = 0.0) : RegularizerOptionsBase(lambda) {}
};

/// Options of ElasticNet: the shared ones plus the L1 share α.
/// Example: ElasticNet(ElasticNetOptions(1e-4).alpha(0.7).skip_1d(true))
struct ElasticNetOptions : RegularizerOptionsBase<ElasticNetOptions> {
  explicit ElasticNetOptions(double lambda = 0.0) : RegularizerOptionsBase(lambda) {}
  /// The share of L1 in [0, 1].  Example: ElasticNetOptions(1e-4).alpha(0.3)
  ElasticNetOptions& alpha(double v) {
    alpha_ = v;
    return *this;
  }
  double alpha() const { return alpha_; }

 private:
  double alpha_ = 0.5;
};

/// Base of every regularizer. A new one overrides name() and term(); the base selects the
/// parameters, sums the terms and multiplies by λ.
/// Example: class L0Approx : public Regularizer { ... Tensor term(const Tensor& p) const override;
/// };
class Regularizer {
 public:
  virtual ~Regularizer() = default;

  /// λ·Σ term(p) over the selected parameters: a differentiable scalar in the dtype of the
  /// first selected parameter (a zero scalar without graph when none is selected or λ = 0;
  /// then in the dtype of the first parameter given, float32 for an empty list).
  /// Example: auto loss = data_loss + reg->penalty(model.parameters());
  Tensor penalty(const std::vector<Tensor>& params) const;
  /// Whether `param` is penalised (skip_1d and filter).  Example: if (reg->selects(b)) ...
  bool selects(const Tensor& param) const;
  /// The name used in messages ("L2").  Example: reg->name()
  virtual std::string name() const = 0;
  /// λ.  Example: reg->lambda()
  double lambda() const { return lambda_; }
  /// Replaces the filter (for regularizers made by name).  Example: reg->set_filter(pred);
  void set_filter(ParamFilter pred) { filter_ = std::move(pred); }

 protected:
  /// Validates λ (ValueError naming `name` when negative or NaN).
  Regularizer(const std::string& name, double lambda, bool skip_1d, ParamFilter filter);
  /// R of one parameter, without λ, built from differentiable ops (a 0-d tensor).
  virtual Tensor term(const Tensor& param) const = 0;

 private:
  double lambda_;
  bool skip_1d_;
  ParamFilter filter_;
};

/// λ·Σ|θ|: drives weights to exactly zero (sparse models).  Example: L1(RegularizerOptions(1e-5))
class L1 : public Regularizer {
 public:
  explicit L1(const RegularizerOptions& options = RegularizerOptions());
  std::string name() const override { return "L1"; }

 protected:
  Tensor term(const Tensor& param) const override;
};

/// λ·Σθ² (weight decay 2λ).  Example: L2(RegularizerOptions(1e-4).skip_1d(true))
class L2 : public Regularizer {
 public:
  explicit L2(const RegularizerOptions& options = RegularizerOptions());
  std::string name() const override { return "L2"; }

 protected:
  Tensor term(const Tensor& param) const override;
};

/// λ·(α·Σ|θ| + (1−α)·Σθ²).  Example: ElasticNet(ElasticNetOptions(1e-4).alpha(0.5))
class ElasticNet : public Regularizer {
 public:
  explicit ElasticNet(const ElasticNetOptions& options = ElasticNetOptions());
  std::string name() const override { return "ElasticNet"; }
  /// The L1 share α.  Example: net.alpha()
  double alpha() const { return alpha_; }

 protected:
  Tensor term(const Tensor& param) const override;

 private:
  double alpha_;
};

}  // namespace xgrad::optim
