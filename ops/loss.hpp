#pragma once
// Loss functions, each with a reduction over the per-element losses.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// How per-element losses are combined: kept as they are, averaged, or summed.
enum class Reduction { None, Mean, Sum };

/// (x - y)^2.  Example: mse_loss(prediction, target)
Tensor mse_loss(const Tensor& x, const Tensor& y, Reduction reduction = Reduction::Mean);
/// |x - y|.
Tensor l1_loss(const Tensor& x, const Tensor& y, Reduction reduction = Reduction::Mean);
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), with d = x - y.
Tensor huber_loss(const Tensor& x, const Tensor& y, Reduction reduction = Reduction::Mean,
                  double delta = 1.0);
/// Softmax cross-entropy of logits [N, C] against int64 class labels [N], as one stable op
/// (log-softmax and NLL fused). With label_smoothing e the target is (1 - e) one-hot + e / C.
///   auto loss = cross_entropy(model(x), labels);
Tensor cross_entropy(const Tensor& logits, const Tensor& labels,
                     Reduction reduction = Reduction::Mean, double label_smoothing = 0.0);
/// -log_probs[i, label_i] for log-probabilities [N, C] and int64 labels [N].
Tensor nll_loss(const Tensor& log_probs, const Tensor& labels,
                Reduction reduction = Reduction::Mean);
/// -(t log p + (1 - t) log(1 - p)) for probabilities p in [0, 1]; logs clamped at -100 as in
/// PyTorch.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& target,
                            Reduction reduction = Reduction::Mean);
/// binary_cross_entropy(sigmoid(x), t), computed stably from the logits x.
Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& target,
                                        Reduction reduction = Reduction::Mean);

}  // namespace xgrad
