// Loss modules: each compute() is one call of the functional loss in ops/loss.cpp, which checks
// shapes, dtypes and labels and names itself in its errors.
#include <xgrad/nn/loss.hpp>

#include <fmt/format.h>

#include <cmath>

#include <xgrad/core/error.hpp>

namespace xgrad::nn {

Reduction reduction_from_string(const std::string& name) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  throw ValueError(fmt::format("loss: unknown reduction '{}'; use 'mean', 'sum' or 'none'", name));
}

std::string reduction_name(Reduction reduction) {
  switch (reduction) {
    case Reduction::Mean:
      return "mean";
    case Reduction::Sum:
      return "sum";
    case Reduction::None:
      return "none";
  }
  return "unknown";
}

std::string Loss::extra_repr() const {
  if (reduction_ == Reduction::Mean) return "";
  return fmt::format("reduction='{}'", reduction_name(reduction_));
}

namespace {
/// "a, b" from the non-empty parts.
std::string join_repr(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + ", " + b;
}
}  // namespace

Tensor MSELoss::compute(const Tensor& input, const Tensor& target) {
  return mse_loss(input, target, reduction());
}

Tensor L1Loss::compute(const Tensor& input, const Tensor& target) {
  return l1_loss(input, target, reduction());
}

HuberLoss::HuberLoss(const HuberLossOptions& options)
    : Loss(options.reduction_), delta_(options.delta_) {
  if (!(delta_ > 0) || std::isinf(delta_)) {
    throw ValueError(fmt::format("HuberLoss: delta must be finite and > 0, got {}", delta_));
  }
}
Tensor HuberLoss::compute(const Tensor& input, const Tensor& target) {
  return huber_loss(input, target, reduction(), delta_);
}
std::string HuberLoss::extra_repr() const {
  return join_repr(delta_ == 1.0 ? "" : fmt::format("delta={}", delta_), Loss::extra_repr());
}

CrossEntropyLoss::CrossEntropyLoss(const CrossEntropyLossOptions& options)
    : Loss(options.reduction_), label_smoothing_(options.label_smoothing_) {
  if (!(label_smoothing_ >= 0 && label_smoothing_ <= 1)) {
    throw ValueError(fmt::format("CrossEntropyLoss: label_smoothing must be in [0, 1], got {}",
                                 label_smoothing_));
  }
}
Tensor CrossEntropyLoss::compute(const Tensor& input, const Tensor& target) {
  return cross_entropy(input, target, reduction(), label_smoothing_);
}
std::string CrossEntropyLoss::extra_repr() const {
  return join_repr(label_smoothing_ == 0 ? "" : fmt::format("label_smoothing={}", label_smoothing_),
                   Loss::extra_repr());
}

Tensor NLLLoss::compute(const Tensor& input, const Tensor& target) {
  return nll_loss(input, target, reduction());
}

Tensor BCELoss::compute(const Tensor& input, const Tensor& target) {
  return binary_cross_entropy(input, target, reduction());
}

Tensor BCEWithLogitsLoss::compute(const Tensor& input, const Tensor& target) {
  return binary_cross_entropy_with_logits(input, target, reduction());
}

}  // namespace xgrad::nn
