#pragma once
// What a Tensor handle points to: the shape and dtype, a shared Storage (the data, shared
// with detached copies and reshaped views), and the autograd state. No xtensor here: code
// that touches the data includes core/storage.hpp.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "tensor.hpp"

namespace xgrad {

struct Storage;

/// A hook run on the gradient of a tensor during backward; it may return a replacement
/// (a defined Tensor) or an undefined Tensor to keep the gradient as it is.
using TensorHook = std::function<Tensor(const Tensor&)>;
/// A hook run on a leaf after backward has accumulated into its .grad (it receives the leaf).
using PostAccumulateGradHook = std::function<void(const Tensor&)>;

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  DType dtype = DType::Float32;

  // Autograd state.
  bool requires_grad = false;
  bool retains_grad = false;
  std::shared_ptr<Node> grad_fn;         // null for a leaf
  uint32_t output_nr = 0;                // which output of grad_fn
  Tensor grad;                           // accumulated gradient (leaves, retained non-leaves)
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad node, made on demand
  std::vector<TensorHook> hooks;         // a leaf's gradient hooks (a non-leaf's are on grad_fn)
  std::mutex mutex;                      // guards grad and grad_accumulator

  // A leaf's post-accumulate hooks with their handles (for removal); guarded by mutex.
  std::vector<std::pair<uint64_t, PostAccumulateGradHook>> post_accumulate_hooks;

  TensorImpl(std::shared_ptr<Storage> s, Shape sh, DType dt)
      : storage(std::move(s)), shape(std::move(sh)), dtype(dt) {}
};

/// A new tensor sharing `source`'s storage with another shape (same number of elements).
Tensor make_view(const Tensor& source, Shape shape);

}  // namespace xgrad
