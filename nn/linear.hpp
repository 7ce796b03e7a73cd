#pragma once
// nn::Linear: y = x·Wᵀ + b, one GEMM (the bias is the GEMM's starting value).
//
//   xgrad::nn::Linear fc(784, 256);                                   // float32, with bias
//   xgrad::nn::Linear head(xgrad::nn::LinearOptions(256, 10).bias(false));
//   auto y = fc(x);                                                    // x: [batch, 784]
//
// Initialised as PyTorch's: W ~ kaiming_uniform(a = √5), i.e. U(-1/√fan_in, 1/√fan_in), and
// b ~ U(-1/√fan_in, 1/√fan_in).
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features)
      : in_features_(in_features), out_features_(out_features) {}
  /// With or without the additive bias b.  Example: LinearOptions(4, 2).bias(false)
  LinearOptions& bias(bool on) {
    bias_ = on;
    return *this;
  }
  /// The dtype of the parameters.  Example: LinearOptions(4, 2).dtype(DType::Float64)
  LinearOptions& dtype(DType d) {
    dtype_ = d;
    return *this;
  }

  int64_t in_features_;
  int64_t out_features_;
  bool bias_ = true;
  DType dtype_ = DType::Float32;
};

class Linear : public Module {
 public:
  explicit Linear(const LinearOptions& options);
  Linear(int64_t in_features, int64_t out_features, bool bias = true)
      : Linear(LinearOptions(in_features, out_features).bias(bias)) {}

  /// [*, in_features] -> [*, out_features].
  Tensor forward(const Tensor& input) override;
  /// relu(forward(input)) as one fused op (xgrad::linear_relu): what nn::Sequential and nn::MLP
  /// run for this layer followed by a ReLU when neither has hooks.
  Tensor forward_relu(const Tensor& input);
  /// Draws the parameters again from their default distributions.
  void reset_parameters();

  std::string name() const override { return "Linear"; }
  /// A deep copy: a new Linear with this one's parameters copied in.
  std::shared_ptr<Module> clone() const override;
  std::string extra_repr() const override;

  int64_t in_features() const { return options_.in_features_; }
  int64_t out_features() const { return options_.out_features_; }

  Tensor weight;  ///< [out_features, in_features]
  Tensor bias;    ///< [out_features], undefined without bias

 private:
  void check_input(const Tensor& input) const;
  LinearOptions options_;
};

}  // namespace xgrad::nn
