#pragma once
// Shape-only modules: Identity (a placeholder that returns its input) and Flatten.
//
//   xgrad::nn::Sequential net(xgrad::nn::Flatten(), Linear(28 * 28, 10));
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

/// Returns its input unchanged (the same tensor).  Example: Identity id; auto y = id(x);
class Identity : public Module {
 public:
  Tensor forward(const Tensor& input) override { return input; }
  std::string name() const override { return "Identity"; }
  XGRAD_CLONE_BY_COPY(Identity)
};

struct FlattenOptions {
  /// First dim merged (negative counts from the end).  Example: FlattenOptions().start_dim(0)
  FlattenOptions& start_dim(int64_t d) {
    start_dim_ = d;
    return *this;
  }
  /// Last dim merged (negative counts from the end).
  FlattenOptions& end_dim(int64_t d) {
    end_dim_ = d;
    return *this;
  }

  int64_t start_dim_ = 1;
  int64_t end_dim_ = -1;
};

/// Merges dims start_dim..end_dim into one; by default keeps the batch dim:
/// [N, C, H, W] -> [N, C*H*W]. Shares the data with the input.
///   Example: Flatten flat; Flatten all(0, -1);
class Flatten : public Module {
 public:
  explicit Flatten(const FlattenOptions& options = {});
  Flatten(int64_t start_dim, int64_t end_dim = -1)
      : Flatten(FlattenOptions().start_dim(start_dim).end_dim(end_dim)) {}
  /// IndexError naming Flatten when a dim is out of range for the input, or start > end.
  Tensor forward(const Tensor& input) override;
  std::string name() const override { return "Flatten"; }
  XGRAD_CLONE_BY_COPY(Flatten)
  /// "start_dim=1, end_dim=-1"
  std::string extra_repr() const override;
  const FlattenOptions& options() const { return options_; }

 private:
  FlattenOptions options_;
};

}  // namespace xgrad::nn
