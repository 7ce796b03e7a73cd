#pragma once
// Loss modules: the module forms of the loss functions in ops/loss.hpp, holding their options
// (reduction, delta, label smoothing). A loss takes two inputs, so it is called as
// loss(input, target); the single-input Module::operator()(x) stays visible (and throws a
// ValueError saying a loss takes (input, target)).
//
//   xgrad::nn::CrossEntropyLoss criterion(CrossEntropyLossOptions().label_smoothing(0.1));
//   auto loss = criterion(model(x), labels);   // logits [N, C], int64 labels [N]
//   loss.backward();
#include <string>

#include <xgrad/nn/module.hpp>
#include <xgrad/ops/loss.hpp>

namespace xgrad::nn {

/// "mean", "sum" or "none" as a Reduction; ValueError listing those for anything else.
///   Example: reduction_from_string("sum") == Reduction::Sum
Reduction reduction_from_string(const std::string& name);
/// The inverse: "mean", "sum" or "none".  Example: reduction_name(Reduction::Mean) == "mean"
std::string reduction_name(Reduction reduction);

/// The base of the loss modules: forward(input, target) calls the subclass's compute().
///   struct MyLoss : Loss { Tensor compute(const Tensor& x, const Tensor& t) override {...} };
class Loss : public Module {
 public:
  explicit Loss(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}
  using Module::forward;
  using Module::operator();
  /// The loss of `input` against `target`, reduced.  Example: auto l = loss.forward(y, t);
  Tensor forward(const Tensor& input, const Tensor& target) { return compute(input, target); }
  /// Same as forward(input, target).  Example: auto l = loss(y, t);
  Tensor operator()(const Tensor& input, const Tensor& target) { return compute(input, target); }
  /// How per-element losses are combined.
  Reduction reduction() const { return reduction_; }
  /// The non-default options only, so a default loss prints as PyTorch's ("MSELoss()"):
  /// "reduction='sum'".
  std::string extra_repr() const override;

 protected:
  /// The loss itself; subclasses call the functional op.
  virtual Tensor compute(const Tensor& input, const Tensor& target) = 0;

 private:
  Reduction reduction_;
};

/// Mean (or sum, or none) of (input - target)^2.  Example: MSELoss mse; mse(y, t);
class MSELoss : public Loss {
 public:
  explicit MSELoss(Reduction reduction = Reduction::Mean) : Loss(reduction) {}
  /// Example: MSELoss sum_loss("sum");
  explicit MSELoss(const std::string& reduction) : Loss(reduction_from_string(reduction)) {}
  std::string name() const override { return "MSELoss"; }
  XGRAD_CLONE_BY_COPY(MSELoss)

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;
};

/// Mean (or sum, or none) of |input - target|.  Example: L1Loss l1; l1(y, t);
class L1Loss : public Loss {
 public:
  explicit L1Loss(Reduction reduction = Reduction::Mean) : Loss(reduction) {}
  explicit L1Loss(const std::string& reduction) : Loss(reduction_from_string(reduction)) {}
  std::string name() const override { return "L1Loss"; }
  XGRAD_CLONE_BY_COPY(L1Loss)

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;
};

struct HuberLossOptions {
  /// Example: HuberLossOptions().reduction(Reduction::Sum).delta(0.5)
  HuberLossOptions& reduction(Reduction r) {
    reduction_ = r;
    return *this;
  }
  /// Where the loss turns from quadratic to linear; must be > 0.
  HuberLossOptions& delta(double d) {
    delta_ = d;
    return *this;
  }

  Reduction reduction_ = Reduction::Mean;
  double delta_ = 1.0;
};

/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = input - target.
///   Example: HuberLoss huber(HuberLossOptions().delta(0.5));
class HuberLoss : public Loss {
 public:
  /// ValueError unless delta > 0.
  explicit HuberLoss(const HuberLossOptions& options = {});
  explicit HuberLoss(double delta, Reduction reduction = Reduction::Mean)
      : HuberLoss(HuberLossOptions().delta(delta).reduction(reduction)) {}
  std::string name() const override { return "HuberLoss"; }
  XGRAD_CLONE_BY_COPY(HuberLoss)
  /// "delta=0.5, reduction='sum'" (non-default options only)
  std::string extra_repr() const override;
  double delta() const { return delta_; }

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;

 private:
  double delta_;
};

struct CrossEntropyLossOptions {
  /// Example: CrossEntropyLossOptions().reduction(Reduction::Sum).label_smoothing(0.1)
  CrossEntropyLossOptions& reduction(Reduction r) {
    reduction_ = r;
    return *this;
  }
  /// The target becomes (1 - e) one-hot + e / C; e in [0, 1].
  CrossEntropyLossOptions& label_smoothing(double e) {
    label_smoothing_ = e;
    return *this;
  }

  Reduction reduction_ = Reduction::Mean;
  double label_smoothing_ = 0.0;
};

/// Softmax cross-entropy of logits [N, C] against int64 class labels [N].
///   Example: CrossEntropyLoss ce; auto loss = ce(logits, labels);
class CrossEntropyLoss : public Loss {
 public:
  /// ValueError unless 0 <= label_smoothing <= 1.
  explicit CrossEntropyLoss(const CrossEntropyLossOptions& options = {});
  explicit CrossEntropyLoss(Reduction reduction)
      : CrossEntropyLoss(CrossEntropyLossOptions().reduction(reduction)) {}
  std::string name() const override { return "CrossEntropyLoss"; }
  XGRAD_CLONE_BY_COPY(CrossEntropyLoss)
  /// "label_smoothing=0.1" (non-default options only)
  std::string extra_repr() const override;
  double label_smoothing() const { return label_smoothing_; }

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;

 private:
  double label_smoothing_;
};

/// Negative log-likelihood of log-probabilities [N, C] (e.g. from LogSoftmax(1)) against
/// int64 labels [N].  Example: NLLLoss nll; nll(log_softmax(logits, 1), labels);
class NLLLoss : public Loss {
 public:
  explicit NLLLoss(Reduction reduction = Reduction::Mean) : Loss(reduction) {}
  explicit NLLLoss(const std::string& reduction) : Loss(reduction_from_string(reduction)) {}
  std::string name() const override { return "NLLLoss"; }
  XGRAD_CLONE_BY_COPY(NLLLoss)

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;
};

/// Binary cross-entropy of probabilities p in [0, 1] against targets in [0, 1].
///   Example: BCELoss bce; bce(sigmoid(logits), targets);
class BCELoss : public Loss {
 public:
  explicit BCELoss(Reduction reduction = Reduction::Mean) : Loss(reduction) {}
  explicit BCELoss(const std::string& reduction) : Loss(reduction_from_string(reduction)) {}
  std::string name() const override { return "BCELoss"; }
  XGRAD_CLONE_BY_COPY(BCELoss)

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;
};

/// BCELoss of sigmoid(logits), computed stably from the logits.
///   Example: BCEWithLogitsLoss bce; bce(logits, targets);
class BCEWithLogitsLoss : public Loss {
 public:
  explicit BCEWithLogitsLoss(Reduction reduction = Reduction::Mean) : Loss(reduction) {}
  explicit BCEWithLogitsLoss(const std::string& reduction)
      : Loss(reduction_from_string(reduction)) {}
  std::string name() const override { return "BCEWithLogitsLoss"; }
  XGRAD_CLONE_BY_COPY(BCEWithLogitsLoss)

 protected:
  Tensor compute(const Tensor& input, const Tensor& target) override;
};

}  // namespace xgrad::nn
