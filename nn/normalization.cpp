// LayerNorm and BatchNorm1d, composed from differentiable ops (mean, sub, mul, pow): the
// backward of every step is itself differentiable, so gradgradcheck passes without a fused
// kernel. The variance is taken as mean((x - mean)^2) from the centred input the output needs
// anyway, instead of a second pass through var().
#include <xgrad/nn/normalization.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad::nn {

namespace {

void check_eps(const char* module, double eps) {
  if (!(eps >= 0) || std::isinf(eps)) {
    throw ValueError(fmt::format("{}: eps must be finite and >= 0, got {}", module, eps));
  }
}

/// The input must be floating and of the dtype of the module's tensors (`reference`, when
/// defined): ops refuse mixed dtypes, and the message here says which side to convert.
void check_dtype(const char* module, const Tensor& input, const Tensor& reference) {
  if (!input.defined()) throw ValueError(fmt::format("{}: the input tensor is undefined", module));
  if (!is_floating(input.dtype())) {
    throw DTypeError(fmt::format("{}: the input must be float32 or float64, got {}", module,
                                 dtype_name(input.dtype())));
  }
  if (reference.defined() && reference.dtype() != input.dtype()) {
    throw DTypeError(
        fmt::format("{}: the input is {} but the module's parameters are {}; "
                    "convert one of them (module.to(DType) or x.to(DType))",
                    module, dtype_name(input.dtype()), dtype_name(reference.dtype())));
  }
}

/// (x - mean) / sqrt(var + eps) over `dims`, with the biased var; `mean_out`/`var_out` receive
/// the statistics (keepdim shape) for BatchNorm's running averages.
Tensor normalize(const Tensor& x, const Shape& dims, double eps, Tensor* mean_out = nullptr,
                 Tensor* var_out = nullptr) {
  const Tensor mu = mean(x, dims, /*keepdim=*/true);
  const Tensor centred = x - mu;
  const Tensor var = mean(centred * centred, dims, /*keepdim=*/true);
  if (mean_out) *mean_out = mu;
  if (var_out) *var_out = var;
  return centred * pow(var + eps, -0.5);
}

}  // namespace

// ---- LayerNorm --------------------------------------------------------------------------------

LayerNorm::LayerNorm(const LayerNormOptions& options) : options_(options) {
  const Shape& shape = options.normalized_shape_;
  if (shape.empty() || std::any_of(shape.begin(), shape.end(), [](int64_t s) { return s < 1; })) {
    throw ValueError(
        fmt::format("LayerNorm: normalized_shape must be non-empty with sizes >= 1, "
                    "got {}",
                    shape_str(shape)));
  }
  check_eps("LayerNorm", options.eps_);
  if (!is_floating(options.dtype_)) {
    throw DTypeError(fmt::format("LayerNorm: parameters must be float32 or float64, got {}",
                                 dtype_name(options.dtype_)));
  }
  if (options.elementwise_affine_) {
    weight = register_parameter("weight", ones(shape, options.dtype_));
    bias = register_parameter("bias", zeros(shape, options.dtype_));
  }
}

Tensor LayerNorm::forward(const Tensor& input) {
  check_dtype("LayerNorm", input, weight);
  const Shape& ns = options_.normalized_shape_;
  const Shape& in = input.shape();
  const auto k = static_cast<int64_t>(ns.size());
  if (input.dim() < k || !std::equal(ns.begin(), ns.end(), in.end() - k)) {
    throw ShapeError(fmt::format(
        "LayerNorm: input of shape {} does not end with normalized_shape "
        "{}; expected [*, {}]",
        shape_str(in), shape_str(ns), shape_str(ns).substr(1, shape_str(ns).size() - 2)));
  }
  Shape dims;
  for (int64_t d = input.dim() - k; d < input.dim(); ++d) dims.push_back(d);
  Tensor y = normalize(input, dims, options_.eps_);
  // weight and bias have shape normalized_shape: they broadcast over the leading dims.
  if (options_.elementwise_affine_) y = y * weight + bias;
  return y;
}

std::string LayerNorm::extra_repr() const {
  return fmt::format("{}, eps={}, elementwise_affine={}", shape_str(options_.normalized_shape_),
                     options_.eps_, options_.elementwise_affine_);
}

// ---- BatchNorm1d ------------------------------------------------------------------------------

BatchNorm1d::BatchNorm1d(const BatchNormOptions& options) : options_(options) {
  const int64_t c = options.num_features_;
  if (c < 1) throw ValueError(fmt::format("BatchNorm1d: num_features must be >= 1, got {}", c));
  check_eps("BatchNorm1d", options.eps_);
  if (options.momentum_ && !(*options.momentum_ >= 0 && *options.momentum_ <= 1)) {
    throw ValueError(
        fmt::format("BatchNorm1d: momentum must be in [0, 1] (or std::nullopt for a "
                    "cumulative average), got {}",
                    *options.momentum_));
  }
  if (!is_floating(options.dtype_)) {
    throw DTypeError(fmt::format("BatchNorm1d: parameters must be float32 or float64, got {}",
                                 dtype_name(options.dtype_)));
  }
  if (options.affine_) {
    weight = register_parameter("weight", ones({c}, options.dtype_));
    bias = register_parameter("bias", zeros({c}, options.dtype_));
  }
  if (options.track_running_stats_) {
    running_mean = register_buffer("running_mean", zeros({c}, options.dtype_));
    running_var = register_buffer("running_var", ones({c}, options.dtype_));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, DType::Int64));
  }
}

Tensor BatchNorm1d::forward(const Tensor& input) {
  check_dtype("BatchNorm1d", input, weight.defined() ? weight : running_mean);
  const int64_t c = options_.num_features_;
  const int64_t rank = input.dim();
  if ((rank != 2 && rank != 3) || input.size(1) != c) {
    throw ShapeError(
        fmt::format("BatchNorm1d: expected input [N, {0}] or [N, {0}, L] "
                    "(num_features = {0}), got shape {1}",
                    c, shape_str(input.shape())));
  }
  // Per-channel tensors [C] broadcast against [N, C] as they are, against [N, C, L] as [C, 1].
  auto per_channel = [&](const Tensor& t) { return rank == 3 ? reshape(t, {c, 1}) : t; };
  const Shape dims = rank == 2 ? Shape{0} : Shape{0, 2};
  const int64_t count = input.size(0) * (rank == 3 ? input.size(2) : 1);

  Tensor y;
  if (is_training() || !options_.track_running_stats_) {
    if (is_training() && count <= 1) {
      throw ValueError(
          fmt::format("BatchNorm1d: expected more than 1 value per channel when "
                      "training, got input of shape {}; use a batch of 2 or more, "
                      "or call eval() to use the running statistics",
                      shape_str(input.shape())));
    }
    Tensor batch_mean, batch_var;
    y = normalize(input, dims, options_.eps_, &batch_mean, &batch_var);
    if (is_training() && options_.track_running_stats_)
      update_running_stats(batch_mean, batch_var, count);
  } else {
    // Running statistics are constants here: the gradient flows to the input and the affine
    // parameters only.
    y = (input - per_channel(running_mean)) * per_channel(pow(running_var + options_.eps_, -0.5));
  }
  if (options_.affine_) y = y * per_channel(weight) + per_channel(bias);
  return y;
}

void BatchNorm1d::update_running_stats(const Tensor& batch_mean, const Tensor& batch_var,
                                       int64_t count) {
  // running = (1 - f) running + f stat, with f = momentum, or 1 / num_batches_tracked for the
  // cumulative average; the variance fed in is the unbiased one, var * n / (n - 1) (PyTorch).
  NoGradGuard no_grad;
  const int64_t c = options_.num_features_;
  const auto batches = static_cast<int64_t>(num_batches_tracked.item()) + 1;
  num_batches_tracked.fill_(static_cast<double>(batches));
  const double f = options_.momentum_ ? *options_.momentum_ : 1.0 / static_cast<double>(batches);
  const double unbias = static_cast<double>(count) / static_cast<double>(count - 1);
  running_mean.mul_(1 - f).add_(reshape(batch_mean.detach(), {c}), f);
  running_var.mul_(1 - f).add_(reshape(batch_var.detach(), {c}) * unbias, f);
}

void BatchNorm1d::reset_running_stats() {
  if (!options_.track_running_stats_) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1.0);
  num_batches_tracked.zero_();
}

std::string BatchNorm1d::extra_repr() const {
  const std::string momentum =
      options_.momentum_ ? fmt::format("{}", *options_.momentum_) : std::string("None");
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}",
                     options_.num_features_, options_.eps_, momentum, options_.affine_,
                     options_.track_running_stats_);
}

std::shared_ptr<Module> LayerNorm::clone() const {
  return cloned_into(std::make_shared<LayerNorm>(options_));
}

std::shared_ptr<Module> BatchNorm1d::clone() const {
  return cloned_into(std::make_shared<BatchNorm1d>(options_));
}

}  // namespace xgrad::nn
