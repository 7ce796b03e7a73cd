#pragma once
// Normalization layers: LayerNorm (statistics over each sample's trailing dims) and
// BatchNorm1d (statistics over the batch, per channel, with running averages for evaluation).
// Both are composed from differentiable ops, so gradients of any order come for free.
//
//   xgrad::nn::LayerNorm ln(64);                           // normalises the last dim of size 64
//   xgrad::nn::BatchNorm1d bn(64);                          // input [N, 64] or [N, 64, L]
//   auto y = bn(ln(x));
#include <optional>

#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

struct LayerNormOptions {
  /// The trailing dims to normalise over.  Example: LayerNormOptions({4, 5})
  LayerNormOptions(Shape normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}
  /// Added to the variance before the square root.  Example: LayerNormOptions({8}).eps(1e-6)
  LayerNormOptions& eps(double v) {
    eps_ = v;
    return *this;
  }
  /// With a learnable per-element scale (weight, ones) and shift (bias, zeros).
  LayerNormOptions& elementwise_affine(bool on) {
    elementwise_affine_ = on;
    return *this;
  }
  /// The dtype of the parameters.  Example: LayerNormOptions({8}).dtype(DType::Float64)
  LayerNormOptions& dtype(DType d) {
    dtype_ = d;
    return *this;
  }

  Shape normalized_shape_;
  double eps_ = 1e-5;
  bool elementwise_affine_ = true;
  DType dtype_ = DType::Float32;
};

/// y = (x - mean) / sqrt(var + eps) * weight + bias, with mean and biased var taken over the
/// trailing dims normalized_shape of each sample; weight and bias have shape normalized_shape.
///   Example: LayerNorm ln(LayerNormOptions({8}).eps(1e-6)); auto y = ln(x);  // x: [*, 8]
class LayerNorm : public Module {
 public:
  /// ValueError when normalized_shape is empty or has a size < 1, or eps is negative or NaN.
  explicit LayerNorm(const LayerNormOptions& options);
  /// Normalises over the last dim, of size `normalized_size`.  Example: LayerNorm ln(64);
  explicit LayerNorm(int64_t normalized_size) : LayerNorm(LayerNormOptions({normalized_size})) {}
  /// Normalises over the trailing dims `normalized_shape`.  Example: LayerNorm ln({4, 5});
  explicit LayerNorm(const Shape& normalized_shape)
      : LayerNorm(LayerNormOptions(normalized_shape)) {}
  /// [*, normalized_shape] -> same shape. ShapeError when the trailing dims differ.
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "LayerNorm"; }
  /// A deep copy: a new LayerNorm with this one's parameters copied in.
  std::shared_ptr<Module> clone() const override;
  /// "[3], eps=1e-05, elementwise_affine=true"
  std::string extra_repr() const override;
  const LayerNormOptions& options() const { return options_; }

  Tensor weight;  ///< normalized_shape, ones; undefined without elementwise_affine
  Tensor bias;    ///< normalized_shape, zeros; undefined without elementwise_affine

 private:
  LayerNormOptions options_;
};

struct BatchNormOptions {
  /// C, the number of channels (features).  Example: BatchNormOptions(64)
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  /// Added to the variance before the square root.
  BatchNormOptions& eps(double v) {
    eps_ = v;
    return *this;
  }
  /// running = (1 - momentum) running + momentum batch_stat. std::nullopt: a cumulative
  /// average (momentum 1 / num_batches_tracked), as PyTorch's momentum=None.
  BatchNormOptions& momentum(std::optional<double> v) {
    momentum_ = v;
    return *this;
  }
  /// With a learnable per-channel scale (weight, ones) and shift (bias, zeros).
  BatchNormOptions& affine(bool on) {
    affine_ = on;
    return *this;
  }
  /// Keep running_mean/running_var buffers and use them in eval mode; without, batch
  /// statistics are used in both modes.
  BatchNormOptions& track_running_stats(bool on) {
    track_running_stats_ = on;
    return *this;
  }
  /// The dtype of parameters and running statistics.
  BatchNormOptions& dtype(DType d) {
    dtype_ = d;
    return *this;
  }

  int64_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true;
  bool track_running_stats_ = true;
  DType dtype_ = DType::Float32;
};

/// Batch normalisation over [N, C] or [N, C, L] inputs, per channel C:
///   training: y = (x - batch_mean) / sqrt(batch_var + eps) * weight + bias (biased batch_var),
///             and running_mean/running_var move towards batch_mean and the UNBIASED batch var;
///   eval:     the same with running_mean/running_var in place of the batch statistics.
///   Example: BatchNorm1d bn(BatchNormOptions(64).momentum(0.01)); auto y = bn(x);
class BatchNorm1d : public Module {
 public:
  /// ValueError when num_features < 1, eps < 0, or momentum outside [0, 1].
  explicit BatchNorm1d(const BatchNormOptions& options);
  /// Example: BatchNorm1d bn(64);
  explicit BatchNorm1d(int64_t num_features) : BatchNorm1d(BatchNormOptions(num_features)) {}
  /// ShapeError unless the input is [N, C] or [N, C, L]; ValueError in training when each
  /// channel has a single value (N * L == 1).
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "BatchNorm1d"; }
  /// A deep copy: a new BatchNorm1d with this one's parameters and buffers (running statistics) copied in.
  std::shared_ptr<Module> clone() const override;
  /// "3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true"
  std::string extra_repr() const override;
  /// Running stats back to mean 0, var 1, and num_batches_tracked to 0.
  void reset_running_stats();
  const BatchNormOptions& options() const { return options_; }

  Tensor weight;               ///< [C], ones; undefined without affine
  Tensor bias;                 ///< [C], zeros; undefined without affine
  Tensor running_mean;         ///< [C] buffer, zeros; undefined without track_running_stats
  Tensor running_var;          ///< [C] buffer, ones; undefined without track_running_stats
  Tensor num_batches_tracked;  ///< 0-d int64 buffer; undefined without track_running_stats

 private:
  void update_running_stats(const Tensor& batch_mean, const Tensor& batch_var, int64_t count);

  BatchNormOptions options_;
};

}  // namespace xgrad::nn
