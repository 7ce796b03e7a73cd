// Reductions: forward and backward side by side.
#include <xgrad/ops/reduce.hpp>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/detail/promote.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

/// The dims as sorted non-negative axes (all dims when empty); IndexError/ValueError on
/// out-of-range or repeated dims.
std::vector<size_t> reduce_axes(const Tensor& x, const Shape& dims, const char* op) {
  std::vector<size_t> axes;
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) axes.push_back(static_cast<size_t>(d));
    return axes;
  }
  for (int64_t d : dims) axes.push_back(static_cast<size_t>(normalize_dim(d, x.dim(), op)));
  if (x.dim() == 0) return {};  // dim 0 or -1 of a 0-d tensor: nothing to reduce
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) {
    throw ValueError(fmt::format("{}: dimension listed twice in {}", op, shape_str(dims)));
  }
  return axes;
}

/// Sum of n values in an order fixed by n alone: chunks of kElementwiseGrain summed in
/// parallel (four interleaved partial sums each), then the chunk sums in chunk order.
template <class T>
T sum_all(const T* p, int64_t n) {
  const auto chunk_sum = [p](int64_t lo, int64_t hi) {
    T acc[4] = {0, 0, 0, 0};
    int64_t i = lo;
    for (; i + 4 <= hi; i += 4)
      for (int k = 0; k < 4; ++k) acc[k] += p[i + k];
    for (; i < hi; ++i) acc[0] += p[i];
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
  };
  if (n <= kElementwiseGrain) return chunk_sum(0, n);
  std::vector<T> partial(static_cast<size_t>((n + kElementwiseGrain - 1) / kElementwiseGrain));
  parallel_for(n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    partial[static_cast<size_t>(lo / kElementwiseGrain)] = chunk_sum(lo, hi);
  });
  T total = 0;
  for (T v : partial) total += v;
  return total;
}

/// The sum over the adjacent dims [first, last) of a contiguous x of `shape` viewed as
/// [outer, r, inner]: out[o, i] = x[o, 0, i] + x[o, 1, i] + ... in that order, rows added whole
/// so the loop vectorises. xtensor's general reducer costs microseconds of set-up on a small
/// tensor (a bias gradient, the column sums of a 32x32 gradient, was most of its time).
template <class T>
void sum_axis_run(const T* x, const Shape& shape, size_t first, size_t last, T* out) {
  int64_t outer = 1, r = 1, inner = 1;
  for (size_t d = 0; d < shape.size(); ++d) (d < first ? outer : d < last ? r : inner) *= shape[d];
  for (int64_t o = 0; o < outer; ++o) {
    const T* block = x + o * r * inner;
    T* row = out + o * inner;
    std::copy_n(block, inner, row);
    for (int64_t k = 1; k < r; ++k) {
      const T* src = block + k * inner;
      for (int64_t i = 0; i < inner; ++i) row[i] += src[i];
    }
  }
}

/// x's shape with the reduced axes set to 1 (keepdim) or removed.
Shape reduced_shape(const Shape& shape, const std::vector<size_t>& axes, bool keepdim) {
  Shape out;
  for (size_t d = 0; d < shape.size(); ++d) {
    const bool reduced = std::binary_search(axes.begin(), axes.end(), d);
    if (!reduced)
      out.push_back(shape[d]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

struct Sum : Function<Sum> {
  static constexpr const char* name = "sum";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Shape& dims, bool keepdim) {
    kernels::check_floating(x, name);
    const auto axes = reduce_axes(x, dims, name);
    // The gradient arrives in the output's shape; backward reshapes it to keepdim form.
    ctx->saved_data["kept"] = reduced_shape(x.shape(), axes, true);
    const Shape shape = reduced_shape(x.shape(), axes, keepdim);
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(shape);
      T* po = raw_data<T>(out);
      if (axes.size() == x.shape().size()) {
        po[0] = sum_all(raw_data<T>(x), x.numel());
      } else if (x.numel() == 0) {
        std::fill_n(po, out.numel(), T(0));  // an empty sum (xtensor's reducers need data)
      } else if (axes.back() - axes.front() + 1 == axes.size()) {
        sum_axis_run(raw_data<T>(x), x.shape(), axes.front(), axes.back() + 1, po);
      } else {
        auto reduced = xt::sum(as_xt<T>(x), axes, xt::evaluation_strategy::immediate);
        std::copy(reduced.begin(), reduced.end(), po);
      }
      return out;
    });
  }
  // d sum(x) = the gradient broadcast back over the reduced dims
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {expand(reshape(g[0], ctx->saved_data.get<Shape>("kept")), ctx->input_shape(0))};
  }
};

/// 1 where x equals the (broadcast) extreme value, else 0: a constant mask.
Tensor equal_mask(const Tensor& x_in, const Tensor& extreme_in) {
  // The extreme comes expanded (a stride-0 view): read both through contiguous data.
  const Tensor x = dense(x_in), extreme_expanded = dense(extreme_in);
  return visit_floating(x.dtype(), "max", [&](auto z) {
    using T = decltype(z);
    Tensor mask = empty_tensor<T>(x.shape());
    const T* px = raw_data<T>(x);
    const T* pe = raw_data<T>(extreme_expanded);
    T* pm = raw_data<T>(mask);
    // A NaN extreme came from the NaNs of its slice: they share the gradient (PyTorch's
    // evenly_distribute_backward), as tied maxima do.
    for (int64_t i = 0, n = x.numel(); i < n; ++i)
      pm[i] = px[i] == pe[i] || (std::isnan(px[i]) && std::isnan(pe[i])) ? T(1) : T(0);
    return mask;
  });
}

/// max (IsMax) or min over dims: the values; ties share the gradient equally (PyTorch's amax).
template <bool IsMax>
struct Extremum : Function<Extremum<IsMax>> {
  static constexpr const char* name = IsMax ? "max" : "min";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Shape& dims, bool keepdim) {
    kernels::check_floating(x, name);
    const auto axes = reduce_axes(x, dims, name);
    for (size_t a : axes) {
      if (x.shape()[a] == 0) {
        throw ValueError(fmt::format("{}: cannot reduce over dimension {} of size 0 (shape {})",
                                     name, a, shape_str(x.shape())));
      }
    }
    ctx->saved_data["kept"] = reduced_shape(x.shape(), axes, true);
    Tensor out = visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor o = empty_tensor<T>(reduced_shape(x.shape(), axes, keepdim));
      if (o.numel() == 0) return o;
      if (axes.empty()) {  // a 0-d tensor: its own extreme
        raw_data<T>(o)[0] = raw_data<T>(x)[0];
        return o;
      }
      auto r = IsMax ? xt::eval(xt::amax(as_xt<T>(x), axes, xt::evaluation_strategy::immediate))
                     : xt::eval(xt::amin(as_xt<T>(x), axes, xt::evaluation_strategy::immediate));
      std::copy(r.begin(), r.end(), raw_data<T>(o));
      // xtensor's amax/amin skip NaN (comparisons with NaN are false); PyTorch propagates it:
      // a slice holding a NaN has NaN as its extreme. One scan finds whether any is there.
      const T* px = raw_data<T>(x);
      if (std::any_of(px, px + x.numel(), [](T v) { return std::isnan(v); })) {
        auto nans = xt::eval(xt::sum(xt::cast<int64_t>(xt::isnan(as_xt<T>(x))), axes,
                                     xt::evaluation_strategy::immediate));
        T* po = raw_data<T>(o);
        auto it = nans.begin();
        for (int64_t i = 0; i < o.numel(); ++i, ++it)
          if (*it > 0) po[i] = std::numeric_limits<T>::quiet_NaN();
      }
      return o;
    });
    ctx->save_for_backward({x, out});
    return out;
  }
  // d max(x) = dx at the maximum; k tied maxima get 1/k of the gradient each.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const Shape& kept = ctx->saved_data.template get<Shape>("kept");
    const Shape& in_shape = ctx->input_shape(0);
    Tensor mask;
    {
      NoGradGuard no_grad;
      mask = equal_mask(s[0].detach(), expand(reshape(s[1].detach(), kept), in_shape));
      mask = mask / expand(sum_to(mask, kept), in_shape);
    }
    return {expand(reshape(g[0], kept), in_shape) * mask};
  }
};

/// Norm over dims: p = 1 (sum |x|) or p = 2 (sqrt of sum x^2).
struct Norm : Function<Norm> {
  static constexpr const char* name = "norm";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double p, const Shape& dims,
                        bool keepdim) {
    kernels::check_floating(x, name);
    const auto axes = reduce_axes(x, dims, name);
    ctx->saved_data["kept"] = reduced_shape(x.shape(), axes, true);
    ctx->saved_data["p"] = p;
    Tensor out = visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor o = empty_tensor<T>(reduced_shape(x.shape(), axes, keepdim));
      if (x.numel() == 0 || axes.empty()) {  // empty sums are 0; a 0-d tensor's norm is |x|
        std::fill_n(raw_data<T>(o), o.numel(), T(0));
        if (axes.empty()) raw_data<T>(o)[0] = std::abs(raw_data<T>(x)[0]);
        return o;
      }
      auto v = as_xt<T>(x);
      auto r = p == 1
                   ? xt::eval(xt::sum(xt::abs(v), axes, xt::evaluation_strategy::immediate))
                   : xt::eval(xt::sqrt(xt::sum(v * v, axes, xt::evaluation_strategy::immediate)));
      std::copy(r.begin(), r.end(), raw_data<T>(o));
      return o;
    });
    ctx->save_for_backward({x, out});
    return out;
  }
  // p = 2: d|x| = x / |x| dx (0 where |x| = 0, as PyTorch);  p = 1: d|x|_1 = sign(x) dx.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    const Shape& kept = ctx->saved_data.get<Shape>("kept");
    const Shape& in_shape = ctx->input_shape(0);
    const Tensor g_full = expand(reshape(g[0], kept), in_shape);
    if (ctx->saved_data.get<double>("p") == 1) {
      Tensor sign;
      {
        NoGradGuard no_grad;
        sign = kernels::unary(s[0].detach(), name, [](auto v) {
          return v > 0 ? decltype(v)(1) : v < 0 ? decltype(v)(-1) : decltype(v)(0);
        });
      }
      return {g_full * sign};
    }
    Tensor zero_fix;  // 1 where the norm is 0, so the division is 0 / 1 there
    {
      NoGradGuard no_grad;
      zero_fix = kernels::unary(s[1].detach(), name,
                                [](auto v) { return v == 0 ? decltype(v)(1) : decltype(v)(0); });
    }
    return {g_full * s[0] / expand(reshape(s[1] + zero_fix, kept), in_shape)};
  }
};

}  // namespace

Tensor sum(const Tensor& x, IntArrayRef dims, bool keepdim) {
  if (needs_promotion(x)) return integral_reduce(x, dims, keepdim, '+');  // int64/bool: into int64
  return Sum::apply(x, dims.vec(), keepdim);
}

Tensor mean(const Tensor& x, IntArrayRef dims, bool keepdim) {
  if (needs_promotion(x)) {
    throw DTypeError(
        fmt::format("mean: the mean of a {} tensor is not defined (as in libtorch); convert first: "
                    "x.to(xgrad::kFloat32).mean()",
                    dtype_name(x.dtype())));
  }
  kernels::check_floating(x, "mean");
  const auto axes = reduce_axes(x, dims, "mean");
  int64_t count = 1;
  for (size_t a : axes) count *= x.shape()[a];
  // mean = sum / count; an empty reduction gives NaN, as in PyTorch.
  return sum(x, dims, keepdim) / static_cast<double>(count);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  const size_t lead = x.shape().size() - std::min(x.shape().size(), shape.size());
  if (x.shape().size() < shape.size()) {
    throw ShapeError(fmt::format("sum_to: cannot sum {} down to the larger rank of {}",
                                 shape_str(x.shape()), shape_str(shape)));
  }
  Shape dims;
  for (size_t d = 0; d < x.shape().size(); ++d) {
    if (d < lead) {
      dims.push_back(static_cast<int64_t>(d));
    } else if (shape[d - lead] == 1 && x.shape()[d] != 1) {
      dims.push_back(static_cast<int64_t>(d));
    } else if (shape[d - lead] != x.shape()[d]) {
      throw ShapeError(fmt::format("sum_to: {} is not a broadcast of {}", shape_str(x.shape()),
                                   shape_str(shape)));
    }
  }
  return reshape(sum(x, dims, true), shape);
}

Tensor max(const Tensor& x, IntArrayRef dims, bool keepdim) {
  if (needs_promotion(x)) return integral_reduce(x, dims, keepdim, '>');  // no autograd
  return Extremum<true>::apply(x, dims.vec(), keepdim);
}
Tensor min(const Tensor& x, IntArrayRef dims, bool keepdim) {
  if (needs_promotion(x)) return integral_reduce(x, dims, keepdim, '<');  // no autograd
  return Extremum<false>::apply(x, dims.vec(), keepdim);
}
ValuesIndices max(const Tensor& x, int64_t dim, bool keepdim) {
  return {max(x, Shape{dim}, keepdim), argmax(x, dim, keepdim)};
}
ValuesIndices min(const Tensor& x, int64_t dim, bool keepdim) {
  return {min(x, Shape{dim}, keepdim), argmin(x, dim, keepdim)};
}

Tensor var(const Tensor& x, IntArrayRef dims, bool unbiased, bool keepdim) {
  kernels::check_floating(x, "var");
  const auto axes = reduce_axes(x, dims, "var");
  int64_t count = 1;
  for (size_t a : axes) count *= x.shape()[a];
  // var = sum((x - mean)^2) / (n - 1) (unbiased) or / n; composed, so every order of
  // derivative comes for free.
  const Tensor centered = x - mean(x, dims, true);
  return sum(centered * centered, dims, keepdim) / static_cast<double>(count - (unbiased ? 1 : 0));
}

Tensor norm(const Tensor& x, double p, IntArrayRef dims, bool keepdim) {
  if (p != 1 && p != 2) {
    throw ValueError(fmt::format("norm: p = {} is not supported (use 1 or 2)", p));
  }
  return Norm::apply(x, p, dims.vec(), keepdim);
}

Tensor logsumexp(const Tensor& x, IntArrayRef dims, bool keepdim) {
  kernels::check_floating(x, "logsumexp");
  // log sum exp(x) = m + log sum exp(x - m) with m = max(x) held constant: exp never
  // overflows, and the gradient (softmax) is exact because m cancels. An all -inf slice
  // keeps m = 0 so that it gives -inf, not NaN.
  Tensor m;
  {
    NoGradGuard no_grad;
    m = kernels::unary(max(x.detach(), dims, true), "logsumexp",
                       [](auto v) { return std::isfinite(v) ? v : decltype(v)(0); });
  }
  Tensor out = xgrad::log(sum(xgrad::exp(x - m), dims, true)) + m;
  if (keepdim) return out;
  const auto axes = reduce_axes(x, dims, "logsumexp");
  return reshape(out, reduced_shape(x.shape(), axes, false));
}

/// The index of the first maximum (kMax) or minimum along `dim`, for float32, float64 and
/// int64 (as libtorch's argmax/argmin; bool is refused). A NaN counts as the extremum, as in
/// PyTorch. Not differentiable.
template <bool kMax>
Tensor arg_extremum(const Tensor& x_in, int64_t dim, bool keepdim, const char* name) {
  if (!x_in.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", name));
  if (x_in.dtype() == DType::Bool) {
    throw DTypeError(
        fmt::format("{}: not defined for a bool tensor (convert it first: x.to(xg::kLong))", name));
  }
  const Tensor x = dense(x_in);  // a view is read through a contiguous copy
  const int64_t d = normalize_dim(dim, x.dim(), name);
  if (x.dim() > 0 && x.shape()[d] == 0) {
    throw ValueError(
        fmt::format("{}: cannot take the {} over dimension {} of size 0 "
                    "(shape {})",
                    name, name, dim, shape_str(x.shape())));
  }
  // View x as [outer, size, inner] and scan the middle dimension; the first extremum wins.
  int64_t outer = 1, inner = 1;
  const int64_t size = x.dim() == 0 ? 1 : x.shape()[d];
  for (int64_t i = 0; i < d; ++i) outer *= x.shape()[i];
  for (int64_t i = d + 1; i < x.dim(); ++i) inner *= x.shape()[i];
  Tensor out = empty_tensor<int64_t>(reduced_shape(x.shape(), {static_cast<size_t>(d)}, keepdim));
  int64_t* po = raw_data<int64_t>(out);
  visit_dtype(x.dtype(), [&](auto z) {
    using T = decltype(z);
    if constexpr (!std::is_same_v<T, bool>) {
      const T* px = raw_data<T>(x);
      const auto better = [](T a, T b) {  // a beats the best so far b
        if constexpr (std::is_floating_point_v<T>) {
          if (std::isnan(a)) return !std::isnan(b);
        }
        return kMax ? a > b : a < b;
      };
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t in = 0; in < inner; ++in) {
          const T* base = px + o * size * inner + in;
          int64_t best = 0;
          for (int64_t k = 1; k < size; ++k)
            if (better(base[k * inner], base[best * inner])) best = k;
          po[o * inner + in] = best;
        }
      }
    }
  });
  return out;
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_extremum<true>(x, dim, keepdim, "argmax");
}
Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_extremum<false>(x, dim, keepdim, "argmin");
}

Tensor argmax(const Tensor& x) {
  return argmax(reshape(x.detach(), {-1}), 0, false);
}
Tensor argmin(const Tensor& x) {
  return argmin(reshape(x.detach(), {-1}), 0, false);
}

Tensor Tensor::sum(IntArrayRef dims, bool keepdim) const {
  return xgrad::sum(*this, dims, keepdim);
}
Tensor Tensor::mean(IntArrayRef dims, bool keepdim) const {
  return xgrad::mean(*this, dims, keepdim);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> reduce_op_schemas() {
  auto dims_keepdim = [](const char* name, Tensor (*fn)(const Tensor&, IntArrayRef, bool)) {
    return OpSchema{name, 1, {"dims", "keepdim"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{
                          fn(in[0], a.get_or<Shape>("dims", {}), a.get_or<bool>("keepdim", false))};
                    }};
  };
  return {
      dims_keepdim("sum", sum),
      dims_keepdim("mean", mean),
      dims_keepdim("max", max),
      dims_keepdim("min", min),
      dims_keepdim("logsumexp", logsumexp),
      OpSchema{"var",
               1,
               {"dims", "unbiased", "keepdim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{var(in[0], a.get_or<Shape>("dims", {}),
                                       a.get_or<bool>("unbiased", true),
                                       a.get_or<bool>("keepdim", false))};
               }},
      OpSchema{"norm",
               1,
               {"p", "dims", "keepdim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{norm(in[0], a.get_or<double>("p", 2.0),
                                        a.get_or<Shape>("dims", {}),
                                        a.get_or<bool>("keepdim", false))};
               }},
      OpSchema{"argmax",
               1,
               {"dim", "keepdim"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{a.contains("dim") ? argmax(in[0], a.get<int64_t>("dim"),
                                                              a.get_or<bool>("keepdim", false))
                                                     : argmax(in[0])};
               }},
      OpSchema{"sum_to",
               1,
               {"shape"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{sum_to(in[0], a.get<Shape>("shape"))};
               }},
  };
}
}  // namespace xgrad::ops
