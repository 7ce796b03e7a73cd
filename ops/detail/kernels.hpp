#pragma once
// Internal helpers shared by the op files: dtype checks and the elementwise loops.
// Same-shape operands (the common case) run as flat loops the compiler vectorises, split into
// fixed chunks across threads above a grain size; operands of different shapes are broadcast
// by xtensor.
#include <fmt/format.h>

#include <utility>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/parallel.hpp>

namespace xgrad::kernels {

/// Both tensors defined, floating, and of one dtype; errors name `op` and the dtypes.
void check_binary(const Tensor& a, const Tensor& b, const char* op);
/// A defined floating tensor.
void check_floating(const Tensor& a, const char* op);

/// out[i] = f(a[i]) over all elements (f takes and returns T). Split across threads above
/// `grain` elements: kElementwiseGrain for cheap f, kTranscendentalGrain for exp, tanh, ...
template <class F>
Tensor unary(const Tensor& a, const char* op, F f, int64_t grain = kElementwiseGrain) {
  check_floating(a, op);
  return visit_floating(a.dtype(), op, [&](auto z) {
    using T = decltype(z);
    Tensor out = empty_tensor<T>(a.shape());
    const T* pa = raw_data<T>(a);
    T* po = raw_data<T>(out);
    parallel_for(a.numel(), grain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i]);
    });
    return out;
  });
}

/// unary() for a costly f (exp, log, tanh, ...): worth splitting at fewer elements.
template <class F>
Tensor unary_costly(const Tensor& a, const char* op, F f) {
  return unary(a, op, f, kTranscendentalGrain);
}

/// out = f(a, b) with broadcasting. f must work on scalars and on xtensor expressions, taking
/// its arguments by forwarding reference (so expressions own their operands).
template <class F>
Tensor binary(const Tensor& a, const Tensor& b, const char* op, F f) {
  check_binary(a, b, op);
  const Shape shape =
      a.shape() == b.shape() ? a.shape() : broadcast_shapes(a.shape(), b.shape(), op);
  return visit_floating(a.dtype(), op, [&](auto z) {
    using T = decltype(z);
    Tensor out = empty_tensor<T>(shape);
    const T* pa = raw_data<T>(a);
    const T* pb = raw_data<T>(b);
    T* po = raw_data<T>(out);
    const int64_t n = out.numel();
    if (a.shape() == b.shape()) {
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i], pb[i]);
      });
    } else if (b.numel() == 1 && a.numel() == n) {
      const T vb = pb[0];
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) po[i] = f(pa[i], vb);
      });
    } else if (a.numel() == 1 && b.numel() == n) {
      const T va = pa[0];
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) po[i] = f(va, pb[i]);
      });
    } else {
      auto o = as_xt<T>(out);
      xt::noalias(o) = f(as_xt<T>(a), as_xt<T>(b));
    }
    return out;
  });
}

/// ValueError naming `op` when self is an expanded view (a stride 0 along a dim of size > 1):
/// several of its elements are one memory location, so an in-place write is ill-defined
/// (libtorch refuses it too).
void check_no_overlap(const Tensor& self, const char* op);

/// self = f(self, other) in place, `other` broadcast to self's shape; bumps the version.
/// A view self (non-contiguous) is computed on a contiguous copy and scattered back, so the
/// base changes; a view `other` is read through a contiguous copy.
template <class F>
void binary_inplace(const Tensor& self, const Tensor& other_in, const char* op, F f) {
  check_binary(self, other_in, op);
  if (self.shape() != other_in.shape() &&
      broadcast_shapes(self.shape(), other_in.shape(), op) != self.shape()) {
    throw ShapeError(fmt::format(
        "{}: cannot write the broadcast of {} and {} into a tensor of "
        "shape {}",
        op, shape_str(self.shape()), shape_str(other_in.shape()), shape_str(self.shape())));
  }
  const Tensor other = dense(other_in);
  if (!self.is_contiguous()) {
    check_no_overlap(self, op);
    const Tensor tmp = dense_copy(self);
    binary_inplace(tmp, other, op, f);
    strided_copy(*tmp.impl(), *self.impl());
    self.bump_version();
    return;
  }
  visit_floating(self.dtype(), op, [&](auto z) {
    using T = decltype(z);
    T* ps = raw_data<T>(self);
    const T* po = raw_data<T>(other);
    const int64_t n = self.numel();
    if (self.shape() == other.shape()) {
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) ps[i] = f(ps[i], po[i]);
      });
    } else if (other.numel() == 1) {
      const T v = po[0];
      parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) ps[i] = f(ps[i], v);
      });
    } else {
      auto s = as_xt<T>(self);
      xt::noalias(s) = f(as_xt<T>(self), as_xt<T>(other));
    }
  });
  self.bump_version();
}

}  // namespace xgrad::kernels
