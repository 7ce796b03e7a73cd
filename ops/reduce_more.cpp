// argmin, std, cumsum, topk and sort: reductions and orderings along one dimension, each
// viewing x as [outer, size, inner] and working on the middle dimension.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

struct Slab {
  int64_t outer = 1, size = 1, inner = 1, dim = 0;
};
Slab slab(const Tensor& x, int64_t dim, const char* op) {
  Slab s;
  s.dim = normalize_dim(dim, std::max<int64_t>(x.dim(), 1), op);
  if (x.dim() == 0) return s;
  s.size = x.shape()[s.dim];
  for (int64_t i = 0; i < s.dim; ++i) s.outer *= x.shape()[i];
  for (int64_t i = s.dim + 1; i < x.dim(); ++i) s.inner *= x.shape()[i];
  return s;
}

/// Running sums along the middle dimension, from its start (or from its end when `reverse`).
/// Float32 sums accumulate in double, as libtorch's CPU cumsum does: a long float32 cumsum
/// would otherwise drift by about n * 2^-24 of the total.
template <class T>
void cumsum_kernel(const T* px, T* po, const Slab& s, bool reverse) {
  using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t in = 0; in < s.inner; ++in) {
      Acc acc = 0;
      for (int64_t j = 0; j < s.size; ++j) {
        const int64_t k = reverse ? s.size - 1 - j : j;
        const int64_t i = (o * s.size + k) * s.inner + in;
        acc += px[i];
        po[i] = static_cast<T>(acc);
      }
    }
}

/// cumsum (reverse = false) or the reversed cumsum y_i = sum_{j>=i} x_j (reverse = true): each
/// is the other's gradient, so both are differentiable to any order.
template <bool Reverse>
struct CumsumFn : Function<CumsumFn<Reverse>> {
  static constexpr const char* name = Reverse ? "reverse_cumsum" : "cumsum";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t dim) {
    kernels::check_floating(x, name);
    const Slab s = slab(x, dim, name);
    ctx->saved_data["dim"] = s.dim;
    Tensor out = empty_tensor(x.shape(), x.dtype());
    visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      cumsum_kernel(raw_data<T>(x), raw_data<T>(out), s, Reverse);
    });
    return out;
  }
  // y_i = sum_{j<=i} x_j, so dx_j = sum_{i>=j} g_i: the reversed cumsum of g (and the other
  // way round). Not total(g) - cumsum(g) + g, which is the same in exact arithmetic but, in
  // float32, loses the small tail sums in the cancellation of two large ones.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto dim = ctx->saved_data.get<int64_t>("dim");
    return {CumsumFn<!Reverse>::apply(g[0], dim)};
  }
};
using Cumsum = CumsumFn<false>;

/// The indices that order each [outer, :, inner] line (stable), the first k of them.
Tensor order_indices(const Tensor& x_in, const Slab& s, int64_t k, bool descending,
                     const char* op) {
  const Tensor x = dense(x_in);  // a view is read through a contiguous copy
  Shape shape = x.shape();
  if (x.dim() > 0) shape[s.dim] = k;
  Tensor out = empty_tensor<int64_t>(shape);
  int64_t* po = raw_data<int64_t>(out);
  auto run = [&](auto z) {
    using T = decltype(z);
    const T* px = raw_data<T>(x);
    std::vector<int64_t> idx(static_cast<size_t>(s.size));
    for (int64_t o = 0; o < s.outer; ++o)
      for (int64_t in = 0; in < s.inner; ++in) {
        const T* line = px + o * s.size * s.inner + in;
        std::iota(idx.begin(), idx.end(), 0);
        // NaN sorts as the largest value, as in PyTorch.
        auto less = [&](int64_t a, int64_t b) {
          const T va = line[a * s.inner], vb = line[b * s.inner];
          if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(va) || std::isnan(vb)) return !std::isnan(va) && std::isnan(vb);
          }
          return va < vb;
        };
        if (descending)
          std::stable_sort(idx.begin(), idx.end(),
                           [&](int64_t a, int64_t b) { return less(b, a); });
        else
          std::stable_sort(idx.begin(), idx.end(), less);
        for (int64_t j = 0; j < k; ++j) po[(o * k + j) * s.inner + in] = idx[j];
      }
  };
  if (x.dtype() == DType::Bool)
    throw DTypeError(
        fmt::format("{}: bool tensors cannot be ordered; convert with "
                    ".to(xgrad::kInt64) first",
                    op));
  visit_dtype(x.dtype(), [&](auto z) {
    if constexpr (!std::is_same_v<decltype(z), bool>) run(z);
  });
  return out;
}

}  // namespace

Tensor std(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) {
  return sqrt(var(x, dims, unbiased, keepdim));
}

Tensor cumsum(const Tensor& x, int64_t dim) {
  if (!x.defined()) throw ValueError("cumsum: the tensor is undefined");
  if (!is_floating(x.dtype())) {  // int64 and bool: an int64 running count, no autograd
    const Tensor xi = dense(x.to(DType::Int64));
    const Slab s = slab(xi, dim, "cumsum");
    Tensor out = empty_tensor<int64_t>(xi.shape());
    cumsum_kernel(raw_data<int64_t>(xi), raw_data<int64_t>(out), s, false);
    return out;
  }
  return Cumsum::apply(x, dim);
}

ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool sorted) {
  if (!x.defined()) throw ValueError("topk: the tensor is undefined");
  const Slab s = slab(x, dim, "topk");
  if (k < 0 || k > s.size) {
    throw ValueError(
        fmt::format("topk: k = {} is out of range for dimension {} of size {} "
                    "(shape {})",
                    k, dim, s.size, shape_str(x.shape())));
  }
  // Sorted either way (a partial sort would not save much at these sizes).
  const Tensor indices = order_indices(x, s, k, largest, "topk");
  if (x.dim() == 0) return {x, indices};
  return {gather(x, s.dim, indices), indices};
}

ValuesIndices sort(const Tensor& x, int64_t dim, bool descending) {
  if (!x.defined()) throw ValueError("sort: the tensor is undefined");
  const Slab s = slab(x, dim, "sort");
  const Tensor indices = order_indices(x, s, s.size, descending, "sort");
  if (x.dim() == 0) return {x, indices};
  return {gather(x, s.dim, indices), indices};
}

}  // namespace xgrad
