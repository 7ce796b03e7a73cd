#pragma once
// nn::init: fill a tensor in place with the initial values training starts from, as
// torch.nn.init does (same formulas, same defaults). Every random fill draws from the global
// generator, so xgrad::manual_seed makes it repeatable. They run without recording (like
// PyTorch's, under no-grad) and return the tensor.
//
//   xgrad::nn::init::kaiming_normal_(w, 0.0, xgrad::nn::init::FanMode::FanOut, "relu");
#include <string>

#include <xgrad/core/tensor.hpp>

namespace xgrad::nn::init {

enum class FanMode { FanIn, FanOut };

/// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (receptive field =
/// product of the dimensions after the second); needs at least 2 dimensions.
struct Fans {
  int64_t fan_in;
  int64_t fan_out;
};
/// Example: auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(w);
Fans calculate_fan_in_and_fan_out(const Tensor& tensor);

/// The recommended gain for a nonlinearity: linear/sigmoid/identity 1, tanh 5/3, relu √2,
/// leaky_relu √(2/(1+slope²)) with slope `param` (default 0.01), selu 3/4.
///   calculate_gain("leaky_relu", 0.2)
double calculate_gain(const std::string& nonlinearity, double param = -1.0);

/// U(a, b).  Example: uniform_(w, -0.1, 0.1);
const Tensor& uniform_(const Tensor& tensor, double a = 0.0, double b = 1.0);
/// N(mean, std²).  Example: normal_(w, 0.0, 0.02);
const Tensor& normal_(const Tensor& tensor, double mean = 0.0, double std = 1.0);
/// Every element `value`.  Example: constant_(b, 0.1);
const Tensor& constant_(const Tensor& tensor, double value);
const Tensor& zeros_(const Tensor& tensor);
const Tensor& ones_(const Tensor& tensor);

/// Glorot: U(-a, a), a = gain·√(6/(fan_in+fan_out)).  Example: xavier_uniform_(w);
const Tensor& xavier_uniform_(const Tensor& tensor, double gain = 1.0);
/// Glorot: N(0, std²), std = gain·√(2/(fan_in+fan_out)).
const Tensor& xavier_normal_(const Tensor& tensor, double gain = 1.0);
/// He: U(-b, b), b = gain·√(3/fan), gain = calculate_gain(nonlinearity, a).
///   kaiming_uniform_(w, std::sqrt(5.0));   // what Linear uses by default
const Tensor& kaiming_uniform_(const Tensor& tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                               const std::string& nonlinearity = "leaky_relu");
/// He: N(0, std²), std = gain/√fan.  Example: kaiming_normal_(w, 0, FanMode::FanOut, "relu");
const Tensor& kaiming_normal_(const Tensor& tensor, double a = 0.0, FanMode mode = FanMode::FanIn,
                              const std::string& nonlinearity = "leaky_relu");
/// A (semi-)orthogonal matrix times `gain`: the tensor viewed as [size(0), rest] gets
/// orthonormal rows (or columns, whichever are fewer), from the QR of a Gaussian matrix with
/// R's diagonal made positive (so the result is uniformly distributed, as in PyTorch).
const Tensor& orthogonal_(const Tensor& tensor, double gain = 1.0);

}  // namespace xgrad::nn::init

namespace xgrad {
/// libtorch's spellings for kaiming_*_: kaiming_normal_(w, 0, xgrad::kFanOut, xgrad::kReLU).
inline constexpr nn::init::FanMode kFanIn = nn::init::FanMode::FanIn;
inline constexpr nn::init::FanMode kFanOut = nn::init::FanMode::FanOut;
/// A nonlinearity name usable where init takes one ("relu", "tanh", ...).
struct Nonlinearity {
  const char* name;
  operator std::string() const { return name; }
};
inline constexpr Nonlinearity kReLU{"relu"};
inline constexpr Nonlinearity kLeakyReLU{"leaky_relu"};
inline constexpr Nonlinearity kTanh{"tanh"};
inline constexpr Nonlinearity kSigmoid{"sigmoid"};
inline constexpr Nonlinearity kLinear{"linear"};
}  // namespace xgrad
