// Activation modules: thin wrappers over the ops, plus the name -> module factory.
#include <xgrad/nn/activation.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <mutex>
#include <utility>

#include <xgrad/core/error.hpp>
#include <xgrad/nn/basic.hpp>
#include <xgrad/ops/activation.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/functional.hpp>

namespace xgrad::nn {

Tensor ReLU::forward(const Tensor& input) {
  return relu(input);
}

LeakyReLU::LeakyReLU(double negative_slope) : negative_slope_(negative_slope) {
  if (!std::isfinite(negative_slope)) {
    throw ValueError(
        fmt::format("LeakyReLU: negative_slope must be finite, got {}", negative_slope));
  }
}
Tensor LeakyReLU::forward(const Tensor& input) {
  return leaky_relu(input, negative_slope_);
}
std::string LeakyReLU::extra_repr() const {
  return fmt::format("negative_slope={}", negative_slope_);
}

ELU::ELU(double alpha) : alpha_(alpha) {
  if (!std::isfinite(alpha))
    throw ValueError(fmt::format("ELU: alpha must be finite, got {}", alpha));
}
Tensor ELU::forward(const Tensor& input) {
  return elu(input, alpha_);
}
std::string ELU::extra_repr() const {
  return fmt::format("alpha={}", alpha_);
}

GELU::GELU(const std::string& approximate) : approximate_(approximate) {
  if (approximate != "none" && approximate != "tanh") {
    throw ValueError(fmt::format(
        "GELU: approximate must be 'none' (exact, erf) or 'tanh', got '{}'", approximate));
  }
}
Tensor GELU::forward(const Tensor& input) {
  if (approximate_ == "none") return gelu(input);
  // PyTorch's approximate='tanh': 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), composed of
  // smooth ops so that every derivative order is exact for this formula.
  constexpr double kSqrt2OverPi = 0.79788456080286535588;
  return 0.5 * input * (1.0 + tanh(kSqrt2OverPi * (input + 0.044715 * pow(input, 3.0))));
}
std::string GELU::extra_repr() const {
  return fmt::format("approximate='{}'", approximate_);
}

Tensor SiLU::forward(const Tensor& input) {
  return silu(input);
}
Tensor Tanh::forward(const Tensor& input) {
  return tanh(input);
}
Tensor Sigmoid::forward(const Tensor& input) {
  return sigmoid(input);
}

Softplus::Softplus(const SoftplusOptions& options) : options_(options) {
  if (!std::isfinite(options.beta_) || options.beta_ == 0) {
    throw ValueError(
        fmt::format("Softplus: beta must be finite and nonzero, got {}", options.beta_));
  }
  if (std::isnan(options.threshold_)) throw ValueError("Softplus: threshold is NaN");
}
Tensor Softplus::forward(const Tensor& input) {
  return softplus(input, options_.beta_, options_.threshold_);
}
std::string Softplus::extra_repr() const {
  return fmt::format("beta={}, threshold={}", options_.beta_, options_.threshold_);
}

namespace {
/// The dim is checked against the input here so that the error names the module.
void check_dim(const char* module, int64_t dim, const Tensor& input) {
  const int64_t rank = std::max<int64_t>(input.dim(), 1);
  if (dim < -rank || dim >= rank) {
    throw IndexError(
        fmt::format("{}: dim {} is out of range for an input of shape {} (valid: "
                    "{} to {})",
                    module, dim, shape_str(input.shape()), -rank, rank - 1));
  }
}
}  // namespace

Softmax::Softmax(int64_t dim) : dim_(dim) {}
Tensor Softmax::forward(const Tensor& input) {
  check_dim("Softmax", dim_, input);
  return softmax(input, dim_);
}
std::string Softmax::extra_repr() const {
  return fmt::format("dim={}", dim_);
}

LogSoftmax::LogSoftmax(int64_t dim) : dim_(dim) {}
Tensor LogSoftmax::forward(const Tensor& input) {
  check_dim("LogSoftmax", dim_, input);
  return log_softmax(input, dim_);
}
std::string LogSoftmax::extra_repr() const {
  return fmt::format("dim={}", dim_);
}

// ---- factory ----------------------------------------------------------------------------------

namespace {

/// The built-ins, canonical names in the order activation_names() reports them.
const std::vector<std::pair<std::string, ActivationFactory>>& builtins() {
  static const std::vector<std::pair<std::string, ActivationFactory>> entries = {
      {"relu", [] { return std::make_shared<ReLU>(); }},
      {"leaky_relu", [] { return std::make_shared<LeakyReLU>(); }},
      {"elu", [] { return std::make_shared<ELU>(); }},
      {"gelu", [] { return std::make_shared<GELU>(); }},
      {"gelu_tanh", [] { return std::make_shared<GELU>("tanh"); }},
      {"silu", [] { return std::make_shared<SiLU>(); }},
      {"tanh", [] { return std::make_shared<Tanh>(); }},
      {"sigmoid", [] { return std::make_shared<Sigmoid>(); }},
      {"softplus", [] { return std::make_shared<Softplus>(); }},
      {"softmax", [] { return std::make_shared<Softmax>(-1); }},
      {"log_softmax", [] { return std::make_shared<LogSoftmax>(-1); }},
      {"identity", [] { return std::make_shared<Identity>(); }},
  };
  return entries;
}

const std::vector<std::pair<std::string, std::string>>& aliases() {
  static const std::vector<std::pair<std::string, std::string>> entries = {
      {"swish", "silu"}, {"none", "identity"}, {"linear", "identity"}};
  return entries;
}

/// "LeakyReLU", "leaky_relu" and "leaky-relu" all become "leakyrelu".
std::string squash(const std::string& name) {
  std::string out;
  for (unsigned char c : name)
    if (c != '_' && c != '-' && c != ' ') out += static_cast<char>(std::tolower(c));
  return out;
}
}  // namespace

// Built-ins are added on first use, not by static initialisers a static library may drop.
Registry<ActivationFactory>& activation_registry() {
  static Registry<ActivationFactory> registry("activation");
  static std::once_flag once;
  std::call_once(once, [] {
    for (const auto& [name, factory] : builtins()) registry.add(name, factory);
  });
  return registry;
}

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const auto& entry : builtins()) names.push_back(entry.first);
  for (const auto& name : activation_registry().names()) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

std::shared_ptr<Module> make_activation(const std::string& name) {
  std::string key = squash(name);
  for (const auto& [alias, target] : aliases())
    if (key == alias) key = squash(target);
  const auto& registry = activation_registry();
  for (const auto& canonical : activation_names())
    if (squash(canonical) == key) return registry.get(canonical)();
  throw ValueError(
      fmt::format("make_activation: unknown activation '{}'; known: {} (aliases: "
                  "swish = silu, none = linear = identity)",
                  name, fmt::join(activation_names(), ", ")));
}

}  // namespace xgrad::nn
