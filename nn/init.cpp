#include <xgrad/nn/init.hpp>

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <vector>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/random.hpp>

namespace xgrad::nn::init {
namespace {

void check_fillable(const Tensor& tensor, const char* fn) {
  if (!tensor.defined()) throw ValueError(fmt::format("init::{}: the tensor is undefined", fn));
  if (!is_floating(tensor.dtype()))
    throw DTypeError(fmt::format("init::{}: expected a float32 or float64 tensor, got {}", fn,
                                 dtype_name(tensor.dtype())));
}

/// Writes value_at(i) into every element i in place (no graph: like torch.no_grad()) and bumps
/// the version counter, as every in-place change does.
template <class F>
const Tensor& fill_with(const Tensor& tensor, const char* fn, F&& value_at) {
  check_fillable(tensor, fn);
  // A view (init of w[0] or w.t()) is filled through a contiguous tensor scattered back.
  const Tensor target =
      tensor.is_contiguous() ? tensor : empty_tensor(tensor.shape(), tensor.dtype());
  visit_floating(tensor.dtype(), fn, [&](auto zero) {
    using T = decltype(zero);
    T* data = raw_data<T>(target);
    for (int64_t i = 0; i < tensor.numel(); ++i) data[i] = static_cast<T>(value_at(i));
  });
  if (!target.is_same(tensor)) strided_copy(*target.impl(), *tensor.impl());
  tensor.bump_version();
  return tensor;
}

double fan_for(const Tensor& tensor, FanMode mode) {
  const Fans fans = calculate_fan_in_and_fan_out(tensor);
  const int64_t fan = mode == FanMode::FanIn ? fans.fan_in : fans.fan_out;
  if (fan == 0)
    throw ValueError(fmt::format("init: cannot initialise a tensor of shape {} with zero fan",
                                 shape_str(tensor.shape())));
  return static_cast<double>(fan);
}

}  // namespace

Fans calculate_fan_in_and_fan_out(const Tensor& tensor) {
  if (!tensor.defined() || tensor.dim() < 2) {
    throw ShapeError(
        fmt::format("init: fan in and fan out need a tensor of at least 2 dimensions, got shape {}",
                    tensor.defined() ? shape_str(tensor.shape()) : std::string("<undefined>")));
  }
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.size(d);
  return {tensor.size(1) * receptive, tensor.size(0) * receptive};
}

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity == "identity" ||
      nonlinearity.rfind("conv", 0) == 0)
    return 1.0;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") {
    const double slope = param < 0 ? 0.01 : param;
    return std::sqrt(2.0 / (1.0 + slope * slope));
  }
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw ValueError(fmt::format(
      "init::calculate_gain: unknown nonlinearity '{}'; known: linear, identity, conv1d, "
      "conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu",
      nonlinearity));
}

const Tensor& uniform_(const Tensor& tensor, double a, double b) {
  if (!(a <= b))
    throw ValueError(fmt::format("init::uniform_: lower bound {} is above upper bound {}", a, b));
  auto gen = default_generator();
  std::uniform_real_distribution<double> uniform(a, b);
  return fill_with(tensor, "uniform_", [&](int64_t) { return a == b ? a : uniform(gen.engine); });
}

const Tensor& normal_(const Tensor& tensor, double mean, double std) {
  if (!(std >= 0)) throw ValueError(fmt::format("init::normal_: std must be >= 0, got {}", std));
  auto gen = default_generator();
  std::normal_distribution<double> normal(mean, std > 0 ? std : 1.0);
  return fill_with(tensor, "normal_", [&](int64_t) { return std > 0 ? normal(gen.engine) : mean; });
}

const Tensor& constant_(const Tensor& tensor, double value) {
  return fill_with(tensor, "constant_", [&](int64_t) { return value; });
}
const Tensor& zeros_(const Tensor& tensor) {
  return constant_(tensor, 0.0);
}
const Tensor& ones_(const Tensor& tensor) {
  return constant_(tensor, 1.0);
}

const Tensor& xavier_uniform_(const Tensor& tensor, double gain) {
  const Fans fans = calculate_fan_in_and_fan_out(tensor);
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fans.fan_in + fans.fan_out));
  const double bound = std::sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

const Tensor& xavier_normal_(const Tensor& tensor, double gain) {
  const Fans fans = calculate_fan_in_and_fan_out(tensor);
  return normal_(tensor, 0.0,
                 gain * std::sqrt(2.0 / static_cast<double>(fans.fan_in + fans.fan_out)));
}

const Tensor& kaiming_uniform_(const Tensor& tensor, double a, FanMode mode,
                               const std::string& nonlinearity) {
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(fan_for(tensor, mode));
  const double bound = std::sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

const Tensor& kaiming_normal_(const Tensor& tensor, double a, FanMode mode,
                              const std::string& nonlinearity) {
  return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / std::sqrt(fan_for(tensor, mode)));
}

const Tensor& orthogonal_(const Tensor& tensor, double gain) {
  check_fillable(tensor, "orthogonal_");
  if (tensor.dim() < 2)
    throw ShapeError(fmt::format("init::orthogonal_: needs at least 2 dimensions, got shape {}",
                                 shape_str(tensor.shape())));
  if (tensor.numel() == 0) return tensor;  // nothing to fill (PyTorch does the same)
  const int64_t rows = tensor.size(0), cols = tensor.numel() / rows;
  // Work on the tall orientation m x n (m >= n): orthonormalise its n columns.
  const bool transposed = rows < cols;
  const int64_t m = transposed ? cols : rows, n = transposed ? rows : cols;
  std::vector<double> a(static_cast<size_t>(m * n));  // column-major: column j at a[j*m]
  {
    auto gen = default_generator();
    std::normal_distribution<double> normal(0.0, 1.0);
    for (auto& v : a) v = normal(gen.engine);
  }
  // Modified Gram-Schmidt, twice ("twice is enough"): Q of the QR with R's diagonal positive,
  // which is what PyTorch gets from LAPACK's QR after multiplying by sign(diag(R)).
  for (int64_t j = 0; j < n; ++j) {
    double* qj = &a[static_cast<size_t>(j * m)];
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t k = 0; k < j; ++k) {
        const double* qk = &a[static_cast<size_t>(k * m)];
        double dot = 0;
        for (int64_t i = 0; i < m; ++i) dot += qk[i] * qj[i];
        for (int64_t i = 0; i < m; ++i) qj[i] -= dot * qk[i];
      }
    }
    double norm = 0;
    for (int64_t i = 0; i < m; ++i) norm += qj[i] * qj[i];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < m; ++i) qj[i] /= norm;
  }
  // Element (r, c) of the rows x cols result is Q(r, c), or Q(c, r) when we worked transposed.
  return fill_with(tensor, "orthogonal_", [&](int64_t index) {
    const int64_t r = index / cols, c = index % cols;
    const int64_t i = transposed ? c : r, j = transposed ? r : c;
    return gain * a[static_cast<size_t>(j * m + i)];
  });
}

}  // namespace xgrad::nn::init
