#pragma once
// Tensor: a cheap handle (shared ownership) to data, its autograd state (requires_grad, grad,
// the node that produced it) and a version counter. Copying a Tensor copies the handle.
//
//   auto w = xgrad::randn({10, 1}).requires_grad_();
//   auto loss = (xgrad::matmul(x, w) - y).pow(2).mean();
//   loss.backward();  w.grad();
//
// The operator and method conveniences (+, x.sum(), x.reshape(...)) are declared here and
// defined in ops/, so core/ holds no op code. This header includes no xtensor.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "dtype.hpp"
#include "shape.hpp"

namespace xgrad {

class Node;
struct TensorImpl;

class Tensor {
 public:
  /// An undefined tensor (like a default-constructed at::Tensor): defined() is false.
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const;
  /// Size along `dim` (negative counts from the end).
  int64_t size(int64_t dim) const;
  int64_t dim() const;
  int64_t numel() const;
  DType dtype() const;

  /// The value of a one-element tensor, as double.  Example: loss.item()
  double item() const;
  /// The element at `index` (one entry per dimension), as double.  Example: t.at({1, 0})
  double at(const Shape& index) const;
  /// All elements in row-major order, as double.
  std::vector<double> to_vector() const;
  /// Pointer to the first element; T must match dtype().  Example: x.data_ptr<float>()
  template <class T>
  T* data_ptr() const;

  // ---- autograd -------------------------------------------------------------------------------
  bool requires_grad() const;
  /// Marks a leaf as requiring grad; returns *this.  Example: auto w = randn({3}).requires_grad_();
  const Tensor& requires_grad_(bool requires_grad = true) const;
  /// The accumulated gradient (undefined until a backward reaches this tensor).
  Tensor grad() const;
  /// Replaces the gradient (undefined to clear it).
  void set_grad(const Tensor& grad) const;
  /// Clears the gradient: undefined when set_to_none, else filled with zeros.
  void zero_grad(bool set_to_none = true) const;
  /// The node that produced this tensor, or null for a leaf.
  const std::shared_ptr<Node>& grad_fn() const;
  /// Which output of grad_fn() this tensor is.
  uint32_t output_nr() const;
  /// A leaf is a tensor not produced by a recorded op (created by the user, or under no-grad).
  bool is_leaf() const;
  /// Makes a non-leaf keep its gradient in grad() after backward.
  const Tensor& retain_grad() const;
  bool retains_grad() const;
  /// Runs `hook` on this tensor's gradient each time backward computes it; a hook returning a
  /// defined Tensor replaces the gradient.
  ///   w.register_hook([](const Tensor& g) { return g * 0.5; });
  void register_hook(std::function<Tensor(const Tensor&)> hook) const;
  /// Runs `hook(leaf)` each time backward has accumulated a gradient into this leaf's grad()
  /// (once per backward, after all of it is summed): the "gradient ready" signal data-parallel
  /// training starts communicating on. May run on an engine worker thread. Returns a handle for
  /// remove_post_accumulate_grad_hook. AutogradError unless a leaf that requires grad.
  ///   auto h = w.register_post_accumulate_grad_hook([](const Tensor& p) { use(p.grad()); });
  uint64_t register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const;
  /// Removes a hook registered above; false when `handle` is not (or no longer) registered.
  bool remove_post_accumulate_grad_hook(uint64_t handle) const;
  /// A tensor sharing this one's data, cut from the graph.
  Tensor detach() const;
  /// Reverse-mode differentiation from this tensor into every leaf that requires grad.
  /// A non-scalar tensor needs `grad_output` (same shape). Without `retain_graph` the graph is
  /// freed; with `create_graph` the backward pass is itself recorded (gradients of gradients)
  /// and the graph is kept.
  void backward(const Tensor& grad_output = Tensor(), bool retain_graph = false,
                bool create_graph = false) const;

  /// Counter bumped by every in-place change of the data (shared with views of it).
  uint64_t version() const;
  // ---- data replacement and in-place bookkeeping (as PyTorch's set_data / bump_version) ------
  /// Records an in-place change of the data (saved tensors then see it as stale): the one way
  /// library code marks a write it made through raw pointers.  Example: p.bump_version();
  void bump_version() const;
  /// Makes this tensor hold `data`'s storage, shape and dtype, keeping its autograd identity
  /// (requires_grad, hooks, the handle others hold); the gradient is left as it is. As
  /// PyTorch's `x.set_data(y)` (`x.data = y`): not recorded. DTypeError when this tensor
  /// requires grad and `data` is not floating.  Example: w.set_data(w.detach().to(DType::Float64));
  void set_data(const Tensor& data) const;
  /// True when both handles point to the same tensor.
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  /// A copy of the data in new storage. Recorded in the graph like any op, as in PyTorch (the
  /// gradient flows back to this tensor); `x.detach().clone()` copies without a graph.
  Tensor clone() const;
  /// A copy converted to `dtype` (differentiable between floating dtypes).
  Tensor to(DType dtype) const;

  // ---- op conveniences (defined in ops/) --------------------------------------------------------
  Tensor sum(const Shape& dims = {}, bool keepdim = false) const;
  Tensor mean(const Shape& dims = {}, bool keepdim = false) const;
  Tensor reshape(const Shape& shape) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// Transpose of a 2-D tensor (a 0-D or 1-D tensor is returned as is).
  Tensor t() const;
  Tensor matmul(const Tensor& other) const;
  Tensor exp() const;
  Tensor log() const;
  Tensor relu() const;
  Tensor pow(double exponent) const;
  Tensor operator-() const;
  /// The sub-tensor at `index` along the first dimension (negative counts from the end).
  Tensor operator[](int64_t index) const;
  Tensor& operator+=(const Tensor& other);
  Tensor& operator-=(const Tensor& other);
  Tensor& operator*=(const Tensor& other);
  Tensor& operator/=(const Tensor& other);

  // ---- in-place (used by optimizers; bump the version counter, never recorded) --------------
  const Tensor& zero_() const;
  const Tensor& fill_(double value) const;
  const Tensor& copy_(const Tensor& source) const;
  const Tensor& add_(const Tensor& other, double alpha = 1.0) const;
  const Tensor& add_(double value) const;
  const Tensor& sub_(const Tensor& other, double alpha = 1.0) const;
  const Tensor& mul_(const Tensor& other) const;
  const Tensor& mul_(double value) const;
  const Tensor& div_(const Tensor& other) const;
  const Tensor& div_(double value) const;

  /// Low-level access for the library's own code.
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

using TensorList = std::vector<Tensor>;

/// Prints like PyTorch: tensor([[1.0000, 2.0000]], dtype=float64, grad_fn=<MulBackward>)
std::ostream& operator<<(std::ostream& os, const Tensor& tensor);
std::string to_string(const Tensor& tensor);

// ---- arithmetic operators (defined in ops/elementwise.cpp); scalars broadcast ----------------
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);

}  // namespace xgrad
