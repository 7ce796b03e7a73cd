#pragma once
// libtorch's tensor indexing: x.index({...}) and x.index_put_({...}, value) with the index
// kinds of torch::indexing (Python's x[...]):
//
//   using namespace xgrad::indexing;
//   x.index({Slice(), 0})               // x[:, 0]      a view
//   x.index({Slice(1, None, 2), Ellipsis})  // x[1::2, ...] a view
//   x.index({None, 0})                  // x[None, 0]   a view with a new leading dim
//   x.index({ids})                      // x[ids]       int64 1-D tensor: rows (a copy)
//   x.index({mask})                     // x[mask]      bool tensor: selected elements (a copy)
//   x.index_put_({0}, 5.0);  x.index_put_({Slice(), 1}, column);  x.index_put_({mask}, 0.0);
#include <cstdint>
#include <type_traits>

#include <xgrad/core/tensor.hpp>

namespace xgrad::indexing {

/// Python's None: in a Slice, a missing bound; as an index, a new size-1 dim.
struct NoneIndexType {};
inline constexpr NoneIndexType None{};
/// Python's ...: as many full slices as the other indices leave dims.
struct EllipsisIndexType {};
inline constexpr EllipsisIndexType Ellipsis{};

/// A slice bound: an integer, or None (the default for that end).
struct SliceBound {
  bool set = false;
  int64_t value = 0;
  SliceBound(NoneIndexType = None) {}  // NOLINT: implicit, as Python's None
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  SliceBound(I v) : set(true), value(static_cast<int64_t>(v)) {}  // NOLINT: implicit
};

/// Python's start:stop:step (all optional).  Example: Slice(), Slice(1, None, 2), Slice(None, -1)
struct Slice {
  SliceBound start, stop, step;
  Slice(SliceBound start_ = None, SliceBound stop_ = None, SliceBound step_ = None)
      : start(start_), stop(stop_), step(step_) {}
};

/// One entry of an index list: an integer, a Slice, None, Ellipsis or a tensor (int64: rows,
/// bool: a mask).
class TensorIndex {
 public:
  enum class Kind { Integer, Slice, None, Ellipsis, Tensor };
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  TensorIndex(I i) : kind_(Kind::Integer), integer_(static_cast<int64_t>(i)) {}  // NOLINT
  TensorIndex(Slice s) : kind_(Kind::Slice), slice_(s) {}                        // NOLINT
  TensorIndex(NoneIndexType) : kind_(Kind::None) {}                              // NOLINT
  TensorIndex(EllipsisIndexType) : kind_(Kind::Ellipsis) {}                      // NOLINT
  TensorIndex(xgrad::Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}   // NOLINT

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  const Slice& slice() const { return slice_; }
  const xgrad::Tensor& tensor() const { return tensor_; }

 private:
  Kind kind_;
  int64_t integer_ = 0;
  Slice slice_;
  xgrad::Tensor tensor_;
};

}  // namespace xgrad::indexing

namespace xgrad {
/// x.index(indices) as a free function.
Tensor index(const Tensor& x, const std::vector<indexing::TensorIndex>& indices);
}  // namespace xgrad
