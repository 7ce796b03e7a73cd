// Comparisons and masks: no autograd (their results are bool, which has no gradient), except
// masked_fill, which is where() and so differentiable in x.
#include <xgrad/ops/compare.hpp>

#include <fmt/format.h>

#include <cmath>
#include <functional>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/detail/broadcast_walk.hpp>
#include <xgrad/ops/detail/promote.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

/// out[i] = f(a[i], b[i]) into a bool tensor, broadcast; operands promoted to one dtype.
template <class F>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, F f) {
  const auto promoted =
      promote_pair(a.defined() ? a.detach() : a, b.defined() ? b.detach() : b, op);
  // Named, not a structured binding: clang 14 (the fuzz build) cannot capture bindings in lambdas.
  const Tensor pa = dense(promoted.first);  // views read through contiguous copies
  const Tensor pb = dense(promoted.second);
  const Shape shape =
      pa.shape() == pb.shape() ? pa.shape() : broadcast_shapes(pa.shape(), pb.shape(), op);
  Tensor out = empty_tensor<bool>(shape);
  bool* po = raw_data<bool>(out);
  visit_dtype(pa.dtype(), [&](auto z) {
    using T = decltype(z);
    const T* xa = raw_data<T>(pa);
    const T* xb = raw_data<T>(pb);
    for_each_broadcast(shape, pa.shape(), pb.shape(),
                       [&](int64_t i, int64_t ia, int64_t ib) { po[i] = f(xa[ia], xb[ib]); });
  });
  return out;
}

/// The scalar as a 0-d tensor that compares exactly with x: x's dtype, unless x is integral
/// and the scalar is not (then both go to float64).
std::pair<Tensor, Tensor> scalar_operands(const Tensor& x, double c, const char* op) {
  if (!x.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", op));
  if (!is_floating(x.dtype()) && !(std::floor(c) == c && std::abs(c) < 9.2e18))
    return {x.detach().to(DType::Float64), full({}, c, DType::Float64)};
  if (x.dtype() == DType::Bool && c != 0 && c != 1)
    return {x.detach().to(DType::Int64), full({}, c, DType::Int64)};
  return {x, full({}, c, x.dtype())};
}

/// Reduces x != 0 along one dim ([outer, size, inner] view) with `any` or all semantics.
Tensor bool_reduce(const Tensor& x, int64_t dim, bool keepdim, bool is_any, const char* op) {
  const Tensor b = dense(x.detach().to(DType::Bool));
  const int64_t d = normalize_dim(dim, std::max<int64_t>(b.dim(), 1), op);
  const int64_t size = b.dim() == 0 ? 1 : b.shape()[d];
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < d; ++i) outer *= b.shape()[i];
  for (int64_t i = d + 1; i < b.dim(); ++i) inner *= b.shape()[i];
  Shape shape = b.shape();
  if (b.dim() > 0) {
    if (keepdim)
      shape[d] = 1;
    else
      shape.erase(shape.begin() + d);
  }
  Tensor out = empty_tensor<bool>(shape);
  const bool* pb = raw_data<bool>(b);
  bool* po = raw_data<bool>(out);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      bool acc = !is_any;
      for (int64_t k = 0; k < size; ++k) {
        const bool v = pb[(o * size + k) * inner + in];
        acc = is_any ? (acc || v) : (acc && v);
      }
      po[o * inner + in] = acc;
    }
  return out;
}

}  // namespace

#define XGRAD_COMPARISON(NAME, OP, SYMBOL)                                  \
  Tensor NAME(const Tensor& a, const Tensor& b) {                           \
    return compare(a, b, #NAME, [](auto x, auto y) { return x SYMBOL y; }); \
  }                                                                         \
  Tensor NAME(const Tensor& a, double b) {                                  \
    auto [x, s] = scalar_operands(a, b, #NAME);                             \
    return NAME(x, s);                                                      \
  }                                                                         \
  Tensor operator OP(const Tensor& a, const Tensor& b) {                    \
    return NAME(a, b);                                                      \
  }                                                                         \
  Tensor operator OP(const Tensor& a, double b) {                           \
    return NAME(a, b);                                                      \
  }                                                                         \
  Tensor Tensor::NAME(const Tensor& other) const {                          \
    return xgrad::NAME(*this, other);                                       \
  }                                                                         \
  Tensor Tensor::NAME(double other) const {                                 \
    return xgrad::NAME(*this, other);                                       \
  }

XGRAD_COMPARISON(eq, ==, ==)
XGRAD_COMPARISON(ne, !=, !=)
XGRAD_COMPARISON(lt, <, <)
XGRAD_COMPARISON(le, <=, <=)
XGRAD_COMPARISON(gt, >, >)
XGRAD_COMPARISON(ge, >=, >=)
#undef XGRAD_COMPARISON

Tensor logical_and(const Tensor& a, const Tensor& b) {
  return compare(a.defined() ? a.detach().to(DType::Bool) : a,
                 b.defined() ? b.detach().to(DType::Bool) : b, "logical_and",
                 [](auto x, auto y) { return x && y; });
}
Tensor logical_or(const Tensor& a, const Tensor& b) {
  return compare(a.defined() ? a.detach().to(DType::Bool) : a,
                 b.defined() ? b.detach().to(DType::Bool) : b, "logical_or",
                 [](auto x, auto y) { return x || y; });
}
Tensor logical_not(const Tensor& a) {
  if (!a.defined()) throw ValueError("logical_not: the tensor is undefined");
  return eq(a.detach().to(DType::Bool), full({}, 0.0, DType::Bool));
}
Tensor operator&(const Tensor& a, const Tensor& b) {
  return logical_and(a, b);
}
Tensor operator|(const Tensor& a, const Tensor& b) {
  return logical_or(a, b);
}
Tensor operator~(const Tensor& a) {
  return logical_not(a);
}

Tensor any(const Tensor& x) {
  if (!x.defined()) throw ValueError("any: the tensor is undefined");
  return bool_reduce(reshape(x.detach(), {-1}), 0, false, true, "any");
}
Tensor any(const Tensor& x, int64_t dim, bool keepdim) {
  if (!x.defined()) throw ValueError("any: the tensor is undefined");
  return bool_reduce(x, dim, keepdim, true, "any");
}
Tensor all(const Tensor& x) {
  if (!x.defined()) throw ValueError("all: the tensor is undefined");
  return bool_reduce(reshape(x.detach(), {-1}), 0, false, false, "all");
}
Tensor all(const Tensor& x, int64_t dim, bool keepdim) {
  if (!x.defined()) throw ValueError("all: the tensor is undefined");
  return bool_reduce(x, dim, keepdim, false, "all");
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  if (!x.defined() || !mask.defined())
    throw ValueError("masked_fill: the tensor or the mask is undefined");
  if (mask.dtype() != DType::Bool) {
    throw DTypeError(fmt::format(
        "masked_fill: the mask must be a bool tensor, got {} (write mask != 0, or build it "
        "with a comparison such as x > 0)",
        dtype_name(mask.dtype())));
  }
  if (broadcast_shapes(mask.shape(), x.shape(), "masked_fill") != x.shape()) {
    throw ShapeError(fmt::format("masked_fill: a mask of shape {} does not broadcast to {}",
                                 shape_str(mask.shape()), shape_str(x.shape())));
  }
  return where(mask, full({}, value, x.dtype()), x);
}

/// The dtype a scalar takes beside `t` in where(): t's own, unless t is int64/bool and the
/// scalar is not a value of it (0.5 beside int64, 2 beside bool), which makes the result
/// float32 as libtorch's promotion with a floating scalar does, instead of truncating it.
static DType scalar_dtype_beside(const Tensor& t, double value) {
  if (is_floating(t.dtype())) return t.dtype();
  const bool integral = std::isfinite(value) && std::trunc(value) == value;
  if (t.dtype() == DType::Bool)
    return value == 0 || value == 1 ? DType::Bool : integral ? DType::Int64 : DType::Float32;
  return integral ? DType::Int64 : DType::Float32;
}

Tensor where(const Tensor& cond, const Tensor& a, double b) {
  if (!a.defined()) throw ValueError("where: a tensor is undefined");
  return where(cond, a, full({}, b, scalar_dtype_beside(a, b)));
}
Tensor where(const Tensor& cond, double a, const Tensor& b) {
  if (!b.defined()) throw ValueError("where: a tensor is undefined");
  return where(cond, full({}, a, scalar_dtype_beside(b, a)), b);
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  auto [pa, pb] =
      promote_pair(a.defined() ? a.detach() : a, b.defined() ? b.detach() : b, "allclose");
  const Tensor close =
      compare(pa.to(DType::Float64), pb.to(DType::Float64), "allclose", [&](double x, double y) {
        if (std::isnan(x) || std::isnan(y)) return equal_nan && std::isnan(x) && std::isnan(y);
        if (x == y) return true;  // equal infinities
        return std::abs(x - y) <= atol + rtol * std::abs(y);
      });
  return all(close).item<bool>();
}

bool equal(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) throw ValueError("equal: a tensor is undefined");
  return a.dtype() == b.dtype() && a.shape() == b.shape() && all(eq(a, b)).item<bool>();
}

}  // namespace xgrad
