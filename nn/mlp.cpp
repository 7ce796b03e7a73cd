#include <xgrad/nn/mlp.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <xgrad/core/error.hpp>
#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/detail/fusion.hpp>
#include <xgrad/nn/dropout.hpp>
#include <xgrad/nn/linear.hpp>
#include <xgrad/nn/normalization.hpp>

namespace xgrad::nn {

MLP::MLP(const std::vector<int64_t>& sizes, const MLPOptions& options)
    : sizes_(sizes), options_(options) {
  if (sizes.size() < 2)
    throw ValueError(
        fmt::format("MLP: sizes must list at least the input and output sizes, got "
                    "[{}]",
                    fmt::join(sizes, ", ")));
  for (int64_t s : sizes)
    if (s <= 0)
      throw ValueError(
          fmt::format("MLP: every size must be positive, got [{}]", fmt::join(sizes, ", ")));
  // Build everything before registering, so a bad option (unknown activation, bad dropout)
  // throws from a module that was never half made.
  auto activation = make_activation(options.activation_);
  std::shared_ptr<Module> dropout;
  if (options.dropout_ != 0.0) dropout = std::make_shared<Dropout>(options.dropout_);

  layers = register_module("layers", std::make_shared<ModuleList>());
  for (size_t i = 0; i + 1 < sizes.size(); ++i)
    layers->push_back(
        Linear(LinearOptions(sizes[i], sizes[i + 1]).bias(options.bias_).dtype(options.dtype_)));
  norms = std::make_shared<ModuleList>();
  if (options.layer_norm_) {
    for (size_t i = 1; i + 1 < sizes.size(); ++i)
      norms->push_back(LayerNorm(LayerNormOptions({sizes[i]}).dtype(options.dtype_)));
    register_module("norms", norms);
  }
  activation_ = register_module("activation", activation);
  if (dropout) dropout_ = register_module("dropout", dropout);
}

Tensor MLP::forward(const Tensor& input) {
  // Children are called as modules (not ->forward) so that their hooks run.
  Tensor h = input;
  const size_t last = layers->size() - 1;
  for (size_t i = 0; i <= last; ++i) {
    if (i < last && norms->empty()) {  // Linear then ReLU, without hooks: one fused op
      Tensor fused = detail::fused_linear_relu(*layers->at(i), *activation_, h);
      if (fused.defined()) {
        h = std::move(fused);
        if (dropout_) h = (*dropout_)(h);
        continue;
      }
    }
    h = (*layers->at(i))(h);
    if (i == last) break;
    if (!norms->empty()) h = (*norms->at(i))(h);
    h = (*activation_)(h);
    if (dropout_) h = (*dropout_)(h);
  }
  return h;
}

std::string MLP::extra_repr() const {
  return fmt::format("sizes=[{}], activation={}, dropout={}, layer_norm={}",
                     fmt::join(sizes_, ", "), options_.activation_, options_.dropout_,
                     options_.layer_norm_);
}

std::shared_ptr<Module> MLP::clone() const {
  return cloned_into(std::make_shared<MLP>(sizes_, options_));
}

}  // namespace xgrad::nn
