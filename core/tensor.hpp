#pragma once
// Tensor: a cheap handle (shared ownership) to data, its autograd state (requires_grad, grad,
// the node that produced it) and a version counter. Copying a Tensor copies the handle.
//
//   auto w = xgrad::randn({10, 1}).requires_grad_();
//   auto loss = (xgrad::matmul(x, w) - y).pow(2).mean();
//   loss.backward();  w.grad();
//
// The operator and method conveniences (+, x.sum(), x.reshape(...)) are declared here and
// defined in ops/ (core/ and ops/ are one layer: docs/design_decisions.md). No xtensor here.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <xgrad/core/dtype.hpp>
#include <xgrad/core/int_array_ref.hpp>
#include <xgrad/core/shape.hpp>
#include <xgrad/core/tensor_options.hpp>

namespace xgrad {

class Node;
struct TensorImpl;
struct ValuesIndices;
namespace indexing {
class TensorIndex;
}

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
  /// Pointer to the first element (storage start + storage_offset(), as libtorch: a view
  /// points into its base); T must match dtype().  Example: x.data_ptr<float>()
  template <class T>
  T* data_ptr() const;

  // ---- layout (as libtorch): views share storage with their base ----------------------------
  /// Elements to step in storage per step along each dim (0 along an expanded dim).
  const Shape& strides() const;
  /// strides()[dim] (negative counts from the end).  Example: x.t().stride(0) == 1
  int64_t stride(int64_t dim) const;
  /// Elements from the storage's start to this tensor's first element.
  int64_t storage_offset() const;
  /// True when the elements lie in row-major order without gaps (views may not).
  bool is_contiguous() const;
  /// This tensor when contiguous, else a contiguous copy (recorded: the gradient flows back).
  ///   Example: auto c = x.t().contiguous();
  Tensor contiguous() const;

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
  /// Over `dims` (all when empty); one dim may be written bare, as in libtorch: x.sum(1).
  Tensor sum(IntArrayRef dims = {}, bool keepdim = false) const;
  Tensor mean(IntArrayRef dims = {}, bool keepdim = false) const;
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

  // ---- libtorch's Tensor API (issue 13; defined in ops/tensor_methods.cpp) --------------------
  // Each method calls the free function of the same name; see ops/*.hpp for the semantics.
  // As in libtorch, x[0], select, slice, narrow, chunk, split, transpose, t, permute, expand,
  // squeeze, unsqueeze, view, diagonal, detach (and reshape where it can) return VIEWS sharing
  // this tensor's storage: x[0].fill_(5) changes x (see docs/views.md).

  /// The value of a one-element tensor as T (float, double, int64_t, int or bool).
  ///   Example: loss.item<float>(), (pred == y).sum().item<int64_t>()
  template <class T>
  T item() const;
  /// libtorch's names for shape() and dtype().
  const Shape& sizes() const { return shape(); }
  DType scalar_type() const { return dtype(); }
  /// This tensor's dtype as options, for zeros(shape, x.options()).
  TensorOptions options() const { return TensorOptions(dtype()); }
  bool is_floating_point() const { return is_floating(dtype()); }

  Tensor var(IntArrayRef dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor std(IntArrayRef dims = {}, bool unbiased = true, bool keepdim = false) const;
  Tensor norm(double p = 2, IntArrayRef dims = {}, bool keepdim = false) const;
  Tensor logsumexp(IntArrayRef dims, bool keepdim = false) const;
  Tensor max() const;
  Tensor min() const;
  /// (values, indices) along `dim`:  auto [values, indices] = x.max(1);
  ValuesIndices max(int64_t dim, bool keepdim = false) const;
  ValuesIndices min(int64_t dim, bool keepdim = false) const;
  Tensor argmax() const;
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  Tensor argmin() const;
  Tensor argmin(int64_t dim, bool keepdim = false) const;
  ValuesIndices topk(int64_t k, int64_t dim = -1, bool largest = true, bool sorted = true) const;
  ValuesIndices sort(int64_t dim = -1, bool descending = false) const;
  Tensor cumsum(int64_t dim) const;
  Tensor any() const;
  Tensor any(int64_t dim, bool keepdim = false) const;
  Tensor all() const;
  Tensor all(int64_t dim, bool keepdim = false) const;

  Tensor abs() const;
  Tensor sqrt() const;
  Tensor square() const;
  Tensor neg() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor sigmoid() const;
  Tensor tanh() const;
  Tensor pow(const Tensor& exponent) const;
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;
  Tensor clamp(double lo, double hi) const;
  Tensor clamp_min(double lo) const;
  Tensor clamp_max(double hi) const;

  Tensor view(IntArrayRef shape) const;
  Tensor view_as(const Tensor& other) const;
  Tensor reshape_as(const Tensor& other) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor permute(IntArrayRef dims) const;
  Tensor expand(IntArrayRef shape) const;
  Tensor expand_as(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor slice(int64_t dim = 0, int64_t start = 0,
               int64_t end = std::numeric_limits<int64_t>::max(), int64_t step = 1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  /// The diagonal of a 2-D tensor as a view, offset > 0 above the main diagonal, < 0 below.
  Tensor diagonal(int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1) const;
  /// libtorch's indexing (ops/index.hpp): integers select, Slice(...) slices, None adds a dim,
  /// Ellipsis fills the rest; an int64 tensor picks rows (index_select), a bool one masks.
  ///   using namespace xgrad::indexing;  x.index({Slice(), 0});  x.index({Slice(1, None, 2)})
  Tensor index(const std::vector<indexing::TensorIndex>& indices) const;
  /// Writes `value` into the elements x.index(indices) views (in place, never recorded).
  ///   x.index_put_({0}, 5.0);  x.index_put_({Slice(), 1}, column);
  const Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices,
                           const Tensor& value) const;
  const Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, double value) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor masked_fill(const Tensor& mask, double value) const;

  Tensor add(const Tensor& other, double alpha = 1.0) const;
  Tensor add(double other) const;
  Tensor sub(const Tensor& other, double alpha = 1.0) const;
  Tensor sub(double other) const;
  Tensor mul(const Tensor& other) const;
  Tensor mul(double other) const;
  Tensor div(const Tensor& other) const;
  Tensor div(double other) const;
  /// Comparisons: bool tensors (not differentiable), broadcast.  Example: x.gt(0), a.eq(b)
  Tensor eq(const Tensor& other) const;
  Tensor eq(double other) const;
  Tensor ne(const Tensor& other) const;
  Tensor ne(double other) const;
  Tensor lt(const Tensor& other) const;
  Tensor lt(double other) const;
  Tensor le(const Tensor& other) const;
  Tensor le(double other) const;
  Tensor gt(const Tensor& other) const;
  Tensor gt(double other) const;
  Tensor ge(const Tensor& other) const;
  Tensor ge(double other) const;
  /// A copy in `other`'s dtype.
  Tensor type_as(const Tensor& other) const;
  /// In place with a scalar, as libtorch's x += 1, x *= 0.5 (int64 tensors too).
  Tensor& operator+=(double value);
  Tensor& operator-=(double value);
  Tensor& operator*=(double value);
  Tensor& operator/=(double value);

  /// Low-level access for the library's own code.
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

using TensorList = std::vector<Tensor>;

/// The (values, indices) pair of max(x, dim), min, topk and sort, read as libtorch's
/// std::tuple<Tensor, Tensor>:  auto [v, i] = x.max(1);  std::get<1>(xgrad::max(x, 1)).
/// It is also the values Tensor itself, so  xgrad::max(x, 1).sum()  keeps working.
struct ValuesIndices : Tensor, std::tuple<Tensor, Tensor> {
  ValuesIndices(const Tensor& values, const Tensor& indices)
      : Tensor(values), std::tuple<Tensor, Tensor>(values, indices) {}
  const Tensor& values() const { return std::get<0>(tuple()); }
  const Tensor& indices() const { return std::get<1>(tuple()); }
  const std::tuple<Tensor, Tensor>& tuple() const { return *this; }
};

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

// ---- comparisons (defined in ops/compare.cpp): bool tensors, broadcast, never recorded ------
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, double b);
Tensor operator!=(const Tensor& a, double b);
Tensor operator<(const Tensor& a, double b);
Tensor operator<=(const Tensor& a, double b);
Tensor operator>(const Tensor& a, double b);
Tensor operator>=(const Tensor& a, double b);
/// Elementwise logic on bool tensors: mask_a & mask_b, mask_a | mask_b, ~mask.
Tensor operator&(const Tensor& a, const Tensor& b);
Tensor operator|(const Tensor& a, const Tensor& b);
Tensor operator~(const Tensor& a);

}  // namespace xgrad

// ValuesIndices is a tuple of two Tensors for structured bindings and std::get.
namespace std {
template <>
struct tuple_size<xgrad::ValuesIndices> : std::integral_constant<std::size_t, 2> {};
template <std::size_t I>
struct tuple_element<I, xgrad::ValuesIndices> {
  using type = xgrad::Tensor;
};
}  // namespace std
