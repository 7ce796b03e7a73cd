#pragma once
// nn::MLP: a multilayer perceptron, Linear layers with an activation, optional LayerNorm and
// dropout between them, and nothing after the last layer (logits, or a regression output).
//
//   xgrad::nn::MLP model({784, 256, 128, 10},
//                        xgrad::nn::MLPOptions().activation("relu").dropout(0.1));
//   auto logits = model(x);                      // x: [batch, 784] -> [batch, 10]
//
// Hidden layer i computes  dropout(activation(norm_i(layers_i(h)))),  the last one just
// layers_last(h). The linear layers are the ModuleList "layers", so the parameters read
// layers.0.weight, layers.0.bias, layers.1.weight, ... (as a PyTorch model with
// `self.layers = nn.ModuleList([...])` names them); the norms are "norms.0", "norms.1", ...
#include <memory>
#include <string>
#include <vector>

#include <xgrad/nn/container.hpp>

namespace xgrad::nn {

struct MLPOptions {
  /// The activation between layers, by name (see make_activation).  Example: .activation("gelu")
  MLPOptions& activation(std::string name) {
    activation_ = std::move(name);
    return *this;
  }
  /// Dropout probability after each hidden activation (0 = none).  Example: .dropout(0.1)
  MLPOptions& dropout(double p) {
    dropout_ = p;
    return *this;
  }
  /// A LayerNorm after each hidden Linear, before the activation.  Example: .layer_norm(true)
  MLPOptions& layer_norm(bool on) {
    layer_norm_ = on;
    return *this;
  }
  /// Whether the Linear layers have biases.
  MLPOptions& bias(bool on) {
    bias_ = on;
    return *this;
  }
  /// The dtype of the parameters.  Example: .dtype(DType::Float64)
  MLPOptions& dtype(DType d) {
    dtype_ = d;
    return *this;
  }

  std::string activation_ = "relu";
  double dropout_ = 0.0;
  bool layer_norm_ = false;
  bool bias_ = true;
  DType dtype_ = DType::Float32;
};

class MLP : public Module {
 public:
  /// `sizes` = {inputs, hidden..., outputs}: at least two entries, all positive.
  explicit MLP(const std::vector<int64_t>& sizes, const MLPOptions& options = MLPOptions());

  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "MLP"; }
  /// A deep copy: a new MLP with this one's parameters copied in.
  std::shared_ptr<Module> clone() const override;
  std::string extra_repr() const override;

  const std::vector<int64_t>& sizes() const { return sizes_; }
  /// The Linear layers, in order.  Example: model.layers->at<Linear>(0)->weight
  std::shared_ptr<ModuleList> layers;
  /// The LayerNorms after each hidden layer (empty without layer_norm).
  std::shared_ptr<ModuleList> norms;

 private:
  std::vector<int64_t> sizes_;
  MLPOptions options_;
  std::shared_ptr<Module> activation_;
  std::shared_ptr<Module> dropout_;
};

}  // namespace xgrad::nn
