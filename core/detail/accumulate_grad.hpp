#pragma once
// AccumulateGrad: the node at a leaf that requires grad. Its backward adds the incoming
// gradient into the leaf's .grad (out of place when the graph of the gradient is recorded).
#include <xgrad/core/node.hpp>

namespace xgrad {

class AccumulateGrad final : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf);
  std::string name() const override { return "AccumulateGrad"; }
  TensorList apply(TensorList&& grad_outputs) override;
  /// A leaf's hooks live on the tensor (this node may be made anew for each graph).
  Tensor run_pre_hooks(uint32_t output_nr, Tensor grad) const override;
  const std::shared_ptr<TensorImpl>& leaf() const { return leaf_; }

 private:
  std::shared_ptr<TensorImpl> leaf_;
};

/// Adds `incoming` into `impl`'s grad under its lock: stores it (or a copy when its data may be
/// shared) the first time, then adds in place, or out of place when grad mode is on.
void accumulate_into_grad(TensorImpl& impl, const Tensor& incoming);

}  // namespace xgrad
