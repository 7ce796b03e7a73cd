#pragma once
// A Node is one step of the backward pass: given the gradients of its forward op's outputs,
// it returns the gradients of the forward op's inputs, one per next edge. It owns the edges to
// the nodes of its inputs and whatever its backward needs (saved tensors, shapes).
// The engine (core/engine.hpp) only knows this interface.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/tensor.hpp>
#include <xgrad/core/tensor_impl.hpp>

namespace xgrad {

class Node;

/// Where a gradient goes: input `input_nr` of `node` (the output_nr of the forward tensor).
struct Edge {
  std::shared_ptr<Node> node;
  uint32_t input_nr = 0;
  bool is_valid() const { return node != nullptr; }
};

/// Shape and dtype of a tensor, kept to check and to zero-fill gradients.
struct TensorMeta {
  Shape shape;
  DType dtype = DType::Float32;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  /// Releases the edges iteratively, so destroying a 100,000-node chain cannot overflow the stack.
  virtual ~Node();

  /// The name shown in errors and graphs, e.g. "MulBackward".
  virtual std::string name() const = 0;
  /// The forward op this node is the backward of ("mul"), or empty for engine nodes.
  virtual std::string forward_name() const { return {}; }
  /// Gradients of the forward inputs (one per next edge; undefined where none is needed),
  /// from the gradients of the forward outputs (one per output, never undefined).
  virtual TensorList apply(TensorList&& grad_outputs) = 0;
  /// Drops what backward saved, after the node ran when the graph is not retained; returns
  /// whether there was anything to drop.
  virtual bool release_saved() { return false; }

  const std::vector<Edge>& next_edges() const { return next_edges_; }
  const std::vector<TensorMeta>& input_meta() const { return input_meta_; }
  const std::vector<TensorMeta>& output_meta() const { return output_meta_; }
  uint32_t num_outputs() const { return static_cast<uint32_t>(output_meta_.size()); }

  /// Records a forward input: the edge its gradient flows along and its shape/dtype.
  void add_input(const Tensor& input);
  /// Records a forward output; returns its output number.
  uint32_t add_output(const Tensor& output);

  /// Whether saved tensors were freed, so that a second backward through this node can be
  /// refused with a clear message (a node that saved nothing can run again, as in PyTorch).
  bool is_released() const { return released_; }
  void mark_released() {
    if (release_saved()) released_ = true;
  }

  /// Hooks on the gradient of output `output_nr`, run before apply() (Tensor::register_hook).
  struct PreHook {
    uint32_t output_nr;
    TensorHook fn;
  };
  void add_pre_hook(uint32_t output_nr, TensorHook fn);
  const std::vector<PreHook>& pre_hooks() const { return pre_hooks_; }
  /// Runs the hooks, in the order they were added, on one output's gradient.
  virtual Tensor run_pre_hooks(uint32_t output_nr, Tensor grad) const;

 protected:
  std::vector<Edge> next_edges_;
  std::vector<TensorMeta> input_meta_;
  std::vector<TensorMeta> output_meta_;
  std::vector<PreHook> pre_hooks_;
  bool released_ = false;
};

/// The edge along which `t`'s gradient flows: its grad_fn, or a leaf's AccumulateGrad node;
/// invalid (null) when `t` does not require grad.
Edge gradient_edge(const Tensor& t);

/// The AccumulateGrad node of a leaf that requires grad (made once, then shared).
std::shared_ptr<Node> grad_accumulator(const Tensor& leaf);

}  // namespace xgrad
