#pragma once
// nn::Dropout: in training mode zeroes each element with probability p and scales the kept
// ones by 1 / (1 - p), so the expected output equals the input; in evaluation mode it is the
// identity. Draws from the global generator, so manual_seed makes it reproducible.
//
//   xgrad::nn::Dropout drop(0.1);
//   auto h = drop(x);      // training (the default): ~10% zeros, the rest x / 0.9
//   drop.eval();
//   auto same = drop(x);   // x itself
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

class Dropout : public Module {
 public:
  /// ValueError unless 0 <= p < 1 (p = 1 would zero every activation and every gradient).
  ///   Example: Dropout drop(0.5);
  explicit Dropout(double p = 0.5);
  /// The input with elements dropped and rescaled (training) or unchanged (evaluation).
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Dropout"; }
  XGRAD_CLONE_BY_COPY(Dropout)
  /// "p=0.5"
  std::string extra_repr() const override;
  /// The drop probability.  Example: drop.p() == 0.5
  double p() const { return p_; }

 private:
  double p_;
};

}  // namespace xgrad::nn
