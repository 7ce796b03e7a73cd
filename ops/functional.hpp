#pragma once
// Neural-network functions that are not losses: softmax, log_softmax, dropout.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// exp(x) / sum(exp(x)) along `dim`, computed stably.  Example: softmax(logits, 1)
Tensor softmax(const Tensor& x, int64_t dim);
/// log(softmax(x)) along `dim` = x - logsumexp(x); stable for logits of +-1e4.
Tensor log_softmax(const Tensor& x, int64_t dim);
/// Zeroes each element with probability `p` and scales the rest by 1 / (1 - p) when
/// `training`; the identity otherwise. Draws from the global generator (manual_seed).
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

}  // namespace xgrad
