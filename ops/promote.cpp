// Promotion of int64/bool operands and the integer kernels (no autograd: integers have no
// gradient). Broadcasting uses per-dimension strides with 0 for a broadcast dimension.
#include <xgrad/ops/detail/promote.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/ops/detail/broadcast_walk.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

[[noreturn]] void throw_float_mix(const Tensor& a, const Tensor& b, const char* op) {
  throw DTypeError(fmt::format(
      "{}: cannot combine {} and {} tensors (shapes {} and {}); xgrad does not promote between "
      "float32 and float64: write a.to(xgrad::kFloat64) (or b.to(xgrad::kFloat32))",
      op, dtype_name(a.dtype()), dtype_name(b.dtype()), shape_str(a.shape()),
      shape_str(b.shape())));
}

const char* op_name(char op) {
  switch (op) {
    case '+':
      return "add";
    case '-':
      return "sub";
    case '*':
      return "mul";
    default:
      return "div";
  }
}

/// Integer a op b (int64 data) into int64, broadcast.
Tensor int_binary(const Tensor& a_in, const Tensor& b_in, char op) {
  const Tensor a = dense(a_in), b = dense(b_in);  // views read through contiguous copies
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op_name(op));
  Tensor out = empty_tensor<int64_t>(shape);
  const int64_t* pa = raw_data<int64_t>(a);
  const int64_t* pb = raw_data<int64_t>(b);
  int64_t* po = raw_data<int64_t>(out);
  for_each_broadcast(shape, a.shape(), b.shape(), [&](int64_t i, int64_t ia, int64_t ib) {
    // Wrapping arithmetic (as libtorch's int64): computed unsigned to avoid UB on overflow.
    const auto ua = static_cast<uint64_t>(pa[ia]), ub = static_cast<uint64_t>(pb[ib]);
    po[i] = static_cast<int64_t>(op == '+' ? ua + ub : op == '-' ? ua - ub : ua * ub);
  });
  return out;
}

}  // namespace

void check_sub_dtypes(DType a, DType b, const char* op) {
  if (a == DType::Bool && b == DType::Bool) {
    throw DTypeError(fmt::format(
        "{}: subtraction, the `-` operator, with two bool tensors is not supported (as in "
        "libtorch); for an exclusive or write a != b, to count convert with .to(xgrad::kInt64)",
        op));
  }
  if (a == DType::Bool || b == DType::Bool) {
    throw DTypeError(fmt::format(
        "{}: subtraction, the `-` operator, with a bool tensor is not supported (as in "
        "libtorch). If you are trying to invert a mask, use the `~` or `logical_not()` operator "
        "instead; to compute with it, convert it with .to(xgrad::kInt64) or "
        ".to(xgrad::kFloat32) first",
        op));
  }
}

bool needs_promotion(const Tensor& a) {
  return a.defined() && !is_floating(a.dtype());
}
bool needs_promotion(const Tensor& a, const Tensor& b) {
  return a.defined() && b.defined() && (!is_floating(a.dtype()) || !is_floating(b.dtype()));
}

std::pair<Tensor, Tensor> promote_pair(const Tensor& a, const Tensor& b, const char* op) {
  if (!a.defined() || !b.defined()) throw ValueError(fmt::format("{}: a tensor is undefined", op));
  const DType da = a.dtype(), db = b.dtype();
  if (da == db) return {a, b};
  if (is_floating(da) && is_floating(db)) throw_float_mix(a, b, op);
  if (is_floating(da)) return {a, b.to(da)};
  if (is_floating(db)) return {a.to(db), b};
  return {a.to(DType::Int64), b.to(DType::Int64)};  // int64 with bool
}

Tensor promoted_binary(const Tensor& a, const Tensor& b, char op) {
  if (op == '-' && a.defined() && b.defined()) check_sub_dtypes(a.dtype(), b.dtype(), "sub");
  auto [pa, pb] = promote_pair(a, b, op_name(op));
  if (is_floating(pa.dtype())) {
    switch (op) {
      case '+':
        return add(pa, pb);
      case '-':
        return sub(pa, pb);
      case '*':
        return mul(pa, pb);
      default:
        return div(pa, pb);
    }
  }
  if (op == '/') return div(pa.to(DType::Float32), pb.to(DType::Float32));  // true division
  return int_binary(pa.to(DType::Int64), pb.to(DType::Int64), op);
}

Tensor promoted_scalar(const Tensor& a, double c, char op, bool scalar_first) {
  // A scalar is no bool here (a double), so only the tensor can be one: refused as libtorch's
  // mask - 1 and 1 - mask are.
  if (op == '-') check_sub_dtypes(a.dtype(), DType::Float32, "sub");
  const bool integral = std::isfinite(c) && std::floor(c) == c && std::abs(c) < 9.2e18;
  if (!integral || op == '/') {
    const Tensor f = a.to(DType::Float32);
    const Tensor s = full({}, c, DType::Float32);
    return scalar_first ? promoted_binary(s, f, op) : promoted_binary(f, s, op);
  }
  const Tensor s = full({}, c, DType::Int64);
  const Tensor ai = a.to(DType::Int64);
  return scalar_first ? int_binary(s, ai, op) : int_binary(ai, s, op);
}

Tensor promoted_neg(const Tensor& a) {
  if (a.dtype() == DType::Bool)
    throw DTypeError(
        "neg: negation, the `-` operator, on a bool tensor is not supported (as in libtorch). "
        "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead");
  return int_binary(full({}, 0.0, DType::Int64), a, '-');
}

Tensor integral_reduce(const Tensor& x, const Shape& dims, bool keepdim, char kind) {
  const char* op = kind == '+' ? "sum" : kind == '>' ? "max" : "min";
  Tensor cur = dense(x.to(DType::Int64));
  const int64_t rank = cur.dim();
  std::vector<int64_t> axes;
  if (dims.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  for (int64_t d : dims) axes.push_back(normalize_dim(d, std::max<int64_t>(rank, 1), op));
  if (rank == 0) return cur.detach().clone();
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end())
    throw ValueError(fmt::format("{}: dimension listed twice in {}", op, shape_str(dims)));
  // One dim at a time, from the last, keeping it as size 1: [outer, size, inner] -> [outer, inner].
  for (auto it = axes.rbegin(); it != axes.rend(); ++it) {
    const int64_t d = *it;
    const Shape& s = cur.shape();
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < d; ++i) outer *= s[i];
    for (int64_t i = d + 1; i < rank; ++i) inner *= s[i];
    Shape out_shape = s;
    out_shape[d] = 1;
    Tensor out = empty_tensor<int64_t>(out_shape);
    const int64_t* pc = raw_data<int64_t>(cur);
    int64_t* po = raw_data<int64_t>(out);
    if (kind != '+' && s[d] == 0)
      throw ValueError(
          fmt::format("{}: cannot reduce dimension {} of size 0 (shape {})", op, d, shape_str(s)));
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t* line = pc + o * s[d] * inner + in;
        if (kind == '+') {
          uint64_t acc = 0;  // wraps as libtorch's int64 sum does
          for (int64_t k = 0; k < s[d]; ++k) acc += static_cast<uint64_t>(line[k * inner]);
          po[o * inner + in] = static_cast<int64_t>(acc);
        } else {
          int64_t best = line[0];
          for (int64_t k = 1; k < s[d]; ++k)
            best = kind == '>' ? std::max(best, line[k * inner]) : std::min(best, line[k * inner]);
          po[o * inner + in] = best;
        }
      }
    cur = out;
  }
  if (keepdim) return cur;
  Shape kept;
  for (int64_t d = 0; d < rank; ++d)
    if (!std::binary_search(axes.begin(), axes.end(), d)) kept.push_back(cur.shape()[d]);
  return reshape(cur, kept);
}

Tensor promoted_where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  const auto promoted = promote_pair(a, b, "where");
  // Named, not a structured binding: clang 14 (the fuzz build) cannot capture bindings in lambdas.
  const Tensor pa = dense(promoted.first);  // views read through contiguous copies
  const Tensor pb = dense(promoted.second);
  if (is_floating(pa.dtype())) return where(cond, pa, pb);
  if (!cond.defined()) throw ValueError("where: the condition tensor is undefined");
  const Shape ab = broadcast_shapes(pa.shape(), pb.shape(), "where");
  const Shape shape = broadcast_shapes(cond.shape(), ab, "where");
  // Broadcast each operand to the output shape once, then pick elementwise.
  const Tensor c = dense(cond.to(DType::Bool));
  Tensor out = empty_tensor(shape, pa.dtype());
  visit_dtype(pa.dtype(), [&](auto z) {
    using T = decltype(z);
    const T* xa = raw_data<T>(pa);
    const T* xb = raw_data<T>(pb);
    const bool* xc = raw_data<bool>(c);
    T* po = raw_data<T>(out);
    // Two passes of the two-operand walker: first take a where cond, then b elsewhere.
    for_each_broadcast(shape, c.shape(), pa.shape(),
                       [&](int64_t i, int64_t ic, int64_t ia) { po[i] = xc[ic] ? xa[ia] : T{}; });
    for_each_broadcast(shape, c.shape(), pb.shape(), [&](int64_t i, int64_t ic, int64_t ib) {
      if (!xc[ic]) po[i] = xb[ib];
    });
  });
  return out;
}

}  // namespace xgrad
