#pragma once
// A tensor saved by a forward op for its backward. It keeps the data and the version it had,
// but never a strong reference to a node of the graph: an op that saves its own output would
// otherwise own itself, and a long chain would be freed recursively. Unpacking checks that the
// data was not modified in place since it was saved.
#include <memory>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

struct Storage;
class Node;

class SavedTensor {
 public:
  SavedTensor() = default;
  explicit SavedTensor(const Tensor& t);

  /// The saved tensor, reconnected to its place in the graph (for create_graph). Throws
  /// AutogradError naming `op` when the data was modified in place after it was saved.
  Tensor unpack(const char* op) const;
  bool defined() const { return defined_; }

 private:
  bool defined_ = false;
  std::shared_ptr<Storage> storage_;
  Shape shape_;
  Shape strides_;  // a saved view keeps its layout
  int64_t storage_offset_ = 0;
  DType dtype_ = DType::Float32;
  uint64_t version_ = 0;
  bool requires_grad_ = false;
  std::shared_ptr<TensorImpl> leaf_;  // a leaf that requires grad, kept whole to reach its grad
  std::weak_ptr<Node> grad_fn_;       // weak: the node is alive while its graph is
  uint32_t output_nr_ = 0;
};

}  // namespace xgrad
