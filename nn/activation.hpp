#pragma once
// Activation modules: the module forms of the activation ops (ops/activation.hpp,
// ops/elementwise.hpp, ops/functional.hpp), so they can sit in a Sequential or be chosen by
// name. None has parameters; all behave the same in training and evaluation mode.
//
//   xgrad::nn::Sequential net(Linear(4, 8), xgrad::nn::LeakyReLU(0.2), Linear(8, 1));
//   auto act = xgrad::nn::make_activation("gelu");   // std::shared_ptr<Module>
//   auto y = (*act)(x);
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

/// max(x, 0).  Example: ReLU relu; auto y = relu(x);
class ReLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "ReLU"; }
  XGRAD_CLONE_BY_COPY(ReLU)
};

/// x where x > 0, else negative_slope * x.  Example: LeakyReLU act(0.2);
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double negative_slope = 0.01);
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "LeakyReLU"; }
  XGRAD_CLONE_BY_COPY(LeakyReLU)
  /// "negative_slope=0.01"
  std::string extra_repr() const override;
  double negative_slope() const { return negative_slope_; }

 private:
  double negative_slope_;
};

/// x where x > 0, else alpha * (exp(x) - 1).  Example: ELU act(1.0);
class ELU : public Module {
 public:
  explicit ELU(double alpha = 1.0);
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "ELU"; }
  XGRAD_CLONE_BY_COPY(ELU)
  /// "alpha=1"
  std::string extra_repr() const override;
  double alpha() const { return alpha_; }

 private:
  double alpha_;
};

/// GELU: exact 0.5 x (1 + erf(x / sqrt(2))) ("none", the default) or the tanh approximation
/// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) ("tanh"), as PyTorch's `approximate`.
///   Example: GELU act; GELU fast("tanh");
class GELU : public Module {
 public:
  explicit GELU(const std::string& approximate = "none");
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "GELU"; }
  XGRAD_CLONE_BY_COPY(GELU)
  /// "approximate='none'"
  std::string extra_repr() const override;
  const std::string& approximate() const { return approximate_; }

 private:
  std::string approximate_;
};

/// SiLU (swish): x * sigmoid(x).  Example: SiLU act;
class SiLU : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "SiLU"; }
  XGRAD_CLONE_BY_COPY(SiLU)
};

/// Hyperbolic tangent.  Example: Tanh act;
class Tanh : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Tanh"; }
  XGRAD_CLONE_BY_COPY(Tanh)
};

/// Logistic sigmoid 1 / (1 + exp(-x)).  Example: Sigmoid act;
class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Sigmoid"; }
  XGRAD_CLONE_BY_COPY(Sigmoid)
};

/// Options of Softplus.  Example: SoftplusOptions().beta(2).threshold(10)
struct SoftplusOptions {
  /// The sharpness: log(1 + exp(beta x)) / beta. Must be finite and nonzero.
  SoftplusOptions& beta(double v) {
    beta_ = v;
    return *this;
  }
  /// Above beta x > threshold the output is x itself (no overflow).
  SoftplusOptions& threshold(double v) {
    threshold_ = v;
    return *this;
  }

  double beta_ = 1.0;
  double threshold_ = 20.0;
};

/// log(1 + exp(beta x)) / beta, x itself where beta x > threshold.
///   Example: Softplus act;  Softplus sharp(SoftplusOptions().beta(5));
class Softplus : public Module {
 public:
  /// ValueError when beta is 0 or not finite, or threshold is NaN.
  explicit Softplus(const SoftplusOptions& options = {});
  Softplus(double beta, double threshold = 20.0)
      : Softplus(SoftplusOptions().beta(beta).threshold(threshold)) {}
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Softplus"; }
  XGRAD_CLONE_BY_COPY(Softplus)
  /// "beta=1, threshold=20"
  std::string extra_repr() const override;
  const SoftplusOptions& options() const { return options_; }

 private:
  SoftplusOptions options_;
};

/// softmax along `dim` (each slice along dim sums to 1).  Example: Softmax probs(1);
class Softmax : public Module {
 public:
  explicit Softmax(int64_t dim);
  /// IndexError naming Softmax when dim is out of range for the input.
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Softmax"; }
  XGRAD_CLONE_BY_COPY(Softmax)
  /// "dim=1"
  std::string extra_repr() const override;
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

/// log(softmax(x)) along `dim`, computed stably.  Example: LogSoftmax log_probs(1);
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(int64_t dim);
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "LogSoftmax"; }
  XGRAD_CLONE_BY_COPY(LogSoftmax)
  /// "dim=1"
  std::string extra_repr() const override;
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

/// A new activation module, by name, with its default arguments: "relu", "leaky_relu", "elu",
/// "gelu", "gelu_tanh", "silu" (alias "swish"), "tanh", "sigmoid", "softplus", "softmax" and
/// "log_softmax" (both over the last dim), "identity" (alias "none"). Case and underscores
/// are ignored, so "LeakyReLU" works too. Unknown name -> ValueError listing the known ones.
///   Example: auto act = make_activation("relu"); auto y = (*act)(x);
std::shared_ptr<Module> make_activation(const std::string& name);

/// The canonical names make_activation accepts, in a fixed order: the built-ins in the order
/// above, then registered ones sorted.
///   Example: for (auto& n : activation_names()) std::cout << n << "\n";
std::vector<std::string> activation_names();

/// Makes a new activation module with its default arguments.
using ActivationFactory = std::function<std::shared_ptr<Module>()>;

/// The activation table (core/registry.hpp), built-ins included; what
/// XGRAD_REGISTER_ACTIVATION adds to (names written in lower case with underscores, as the
/// built-ins, so make_activation's case- and underscore-blind lookup finds them).
///   Example: activation_registry().contains("gelu")
Registry<ActivationFactory>& activation_registry();

}  // namespace xgrad::nn

/// Registers module class `Class` (default-constructible) as the activation `name`, at
/// namespace scope, once per program.  Example: XGRAD_REGISTER_ACTIVATION("mish", Mish);
#define XGRAD_REGISTER_ACTIVATION(name, Class)  \
  XGRAD_REGISTER(                               \
      ::xgrad::nn::activation_registry(), name, \
      []() -> std::shared_ptr<::xgrad::nn::Module> { return std::make_shared<Class>(); })
