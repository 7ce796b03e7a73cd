// Elementwise arithmetic and math: forward and backward side by side. Backward formulas use
// differentiable ops, so they can themselves be differentiated (create_graph).
#include <xgrad/ops/elementwise.hpp>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <cmath>
#include <limits>
#include <type_traits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/numeric_cast.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/detail/promote.hpp>
#include <xgrad/ops/detail/vector_math.hpp>
#include <xgrad/ops/reduce.hpp>

namespace xgrad {
namespace {

// Functors usable on scalars and on xtensor expressions (see kernels::binary).
struct AddF {
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    return std::forward<X>(x) + std::forward<Y>(y);
  }
};
struct SubF {
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    return std::forward<X>(x) - std::forward<Y>(y);
  }
};
struct MulF {
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    return std::forward<X>(x) * std::forward<Y>(y);
  }
};
struct DivF {
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    return std::forward<X>(x) / std::forward<Y>(y);
  }
};

/// The gradient for input i if it needs one, else undefined.
template <class F>
Tensor if_needed(AutogradContext* ctx, size_t i, F&& make) {
  return ctx->needs_input_grad(i) ? make() : Tensor();
}

struct Add : Function<Add> {
  static constexpr const char* name = "add";
  static Tensor forward(AutogradContext*, const Tensor& a, const Tensor& b) {
    return kernels::binary(a, b, name, AddF{});
  }
  // d(a + b) = da + db; a broadcast operand gets the gradient summed back to its shape.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {if_needed(ctx, 0, [&] { return sum_to(g[0], ctx->input_shape(0)); }),
            if_needed(ctx, 1, [&] { return sum_to(g[0], ctx->input_shape(1)); })};
  }
};

struct Sub : Function<Sub> {
  static constexpr const char* name = "sub";
  static Tensor forward(AutogradContext*, const Tensor& a, const Tensor& b) {
    return kernels::binary(a, b, name, SubF{});
  }
  // d(a - b) = da - db
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {if_needed(ctx, 0, [&] { return sum_to(g[0], ctx->input_shape(0)); }),
            if_needed(ctx, 1, [&] { return sum_to(neg(g[0]), ctx->input_shape(1)); })};
  }
};

struct Mul : Function<Mul> {
  static constexpr const char* name = "mul";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    ctx->save_for_backward({a, b});
    return kernels::binary(a, b, name, MulF{});
  }
  // d(a b) = b da + a db
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    auto s = ctx->get_saved_variables();
    return {if_needed(ctx, 0, [&] { return sum_to(g[0] * s[1], ctx->input_shape(0)); }),
            if_needed(ctx, 1, [&] { return sum_to(g[0] * s[0], ctx->input_shape(1)); })};
  }
};

struct Div : Function<Div> {
  static constexpr const char* name = "div";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    ctx->save_for_backward({a, b});
    return kernels::binary(a, b, name, DivF{});
  }
  // d(a / b) = da / b - a db / b^2
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    auto s = ctx->get_saved_variables();
    return {if_needed(ctx, 0, [&] { return sum_to(g[0] / s[1], ctx->input_shape(0)); }),
            if_needed(ctx, 1, [&] {
              return sum_to(neg(g[0] * s[0] / (s[1] * s[1])), ctx->input_shape(1));
            })};
  }
};

struct AddScalar : Function<AddScalar> {
  static constexpr const char* name = "add_scalar";
  static Tensor forward(AutogradContext*, const Tensor& x, double c) {
    return kernels::unary(x, name, [c](auto v) { return v + static_cast<decltype(v)>(c); });
  }
  // d(x + c) = dx
  static TensorList backward(AutogradContext*, TensorList g) { return {g[0]}; }
};

struct MulScalar : Function<MulScalar> {
  static constexpr const char* name = "mul_scalar";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double c) {
    ctx->saved_data["c"] = c;
    return kernels::unary(x, name, [c](auto v) { return v * static_cast<decltype(v)>(c); });
  }
  // d(c x) = c dx
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * ctx->saved_data.get<double>("c")};
  }
};

struct DivScalar : Function<DivScalar> {
  static constexpr const char* name = "div_scalar";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double c) {
    ctx->saved_data["c"] = c;
    return kernels::unary(x, name, [c](auto v) { return v / static_cast<decltype(v)>(c); });
  }
  // d(x / c) = dx / c
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] / ctx->saved_data.get<double>("c")};
  }
};

struct ScalarDiv : Function<ScalarDiv> {
  static constexpr const char* name = "scalar_div";
  static Tensor forward(AutogradContext* ctx, double c, const Tensor& x) {
    ctx->saved_data["c"] = c;
    ctx->save_for_backward({x});
    return kernels::unary(x, name, [c](auto v) { return static_cast<decltype(v)>(c) / v; });
  }
  // d(c / x) = -c dx / x^2
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * -ctx->saved_data.get<double>("c") / (x * x)};
  }
};

struct Neg : Function<Neg> {
  static constexpr const char* name = "neg";
  static Tensor forward(AutogradContext*, const Tensor& x) {
    return kernels::unary(x, name, [](auto v) { return -v; });
  }
  // d(-x) = -dx
  static TensorList backward(AutogradContext*, TensorList g) { return {neg(g[0])}; }
};

struct Exp : Function<Exp> {
  static constexpr const char* name = "exp";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y = kernels::unary_costly(x, name, [](auto v) { return std::exp(v); });
    ctx->save_for_backward({y});
    return y;
  }
  // d exp(x) = exp(x) dx, reusing the output
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * ctx->get_saved_variables()[0]};
  }
};

struct Log : Function<Log> {
  static constexpr const char* name = "log";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, name, [](auto v) { return std::log(v); });
  }
  // d log(x) = dx / x
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] / ctx->get_saved_variables()[0]};
  }
};

struct Pow : Function<Pow> {
  static constexpr const char* name = "pow";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double p) {
    ctx->saved_data["p"] = p;
    ctx->save_for_backward({x});
    if (p == 2) return kernels::unary(x, name, [](auto v) { return v * v; });
    return kernels::unary_costly(x, name,
                                 [p](auto v) { return std::pow(v, static_cast<decltype(v)>(p)); });
  }
  // d x^p = p x^(p-1) dx  (0 for p = 0)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const double p = ctx->saved_data.get<double>("p");
    if (p == 0) return {g[0] * 0.0};
    const Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * (p == 2 ? x * 2.0 : pow(x, p - 1) * p)};
  }
};

struct Clone : Function<Clone> {
  static constexpr const char* name = "clone";
  static constexpr bool accepts_strided = true;  // one copy, contiguous, whatever x's layout
  static Tensor forward(AutogradContext*, const Tensor& x) { return dense_copy(x); }
  static TensorList backward(AutogradContext*, TensorList g) { return {g[0]}; }
};

struct To : Function<To> {
  static constexpr const char* name = "to";
  static Tensor forward(AutogradContext*, const Tensor& x, DType dtype) {
    Tensor out = empty_tensor(x.shape(), dtype);
    visit_dtype(x.dtype(), [&](auto zx) {
      visit_dtype(dtype, [&](auto zo) {
        using O = decltype(zo);
        const auto* px = raw_data<decltype(zx)>(x);
        O* po = raw_data<O>(out);
        using X = std::remove_const_t<std::remove_pointer_t<decltype(px)>>;
        if constexpr (std::is_same_v<O, int64_t> && std::is_floating_point_v<X>) {
          // NaN, inf and values beyond int64 have no integer: an error, not UB.
          for (int64_t i = 0, n = x.numel(); i < n; ++i) po[i] = float_to_int64(px[i], "to");
        } else {
          for (int64_t i = 0, n = x.numel(); i < n; ++i) po[i] = static_cast<O>(px[i]);
        }
      });
    });
    return out;
  }
  // The gradient goes back in the input's dtype.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0].to(ctx->input_dtype(0))};
  }
};

// ---- math functions, minimum/maximum, where, tensor pow -------------------------------------

/// Makes a scalar functor usable by kernels::binary: called as is on two scalars, and applied
/// elementwise (with broadcasting) to two xtensor expressions. S's operator() must accept only
/// arithmetic types, so that xtensor never tries it on SIMD batches.
template <class S>
struct Lifted {
  S s;
  template <class X, class Y>
  auto operator()(X&& x, Y&& y) const {
    if constexpr (std::is_arithmetic_v<std::decay_t<X>>) {
      return s(x, y);
    } else {
      return xt::make_lambda_xfunction(S(s), std::forward<X>(x), std::forward<Y>(y));
    }
  }
};
template <class S>
Lifted<S> lifted(S s) {
  return Lifted<S>{s};
}

#define XGRAD_SCALAR_FN(Name, expr)                                        \
  struct Name {                                                            \
    template <class U, std::enable_if_t<std::is_arithmetic_v<U>, int> = 0> \
    U operator()(U a, U b) const {                                         \
      return expr;                                                         \
    }                                                                      \
  }
// NaN in either operand gives NaN, as torch.maximum / torch.minimum.
XGRAD_SCALAR_FN(MaxS, (a > b || std::isnan(a)) ? a : b);
XGRAD_SCALAR_FN(MinS, (a < b || std::isnan(a)) ? a : b);
XGRAD_SCALAR_FN(PowS, std::pow(a, b));
// Gradient masks of maximum (for a: 1 where a wins, 1/2 on ties; for b the same for b), as
// PyTorch's maximum backward: where(a == b, g / 2, g).masked_fill(a < b, 0) for a.
XGRAD_SCALAR_FN(MaxMaskA, a == b ? U(0.5) : (a < b ? U(0) : U(1)));
XGRAD_SCALAR_FN(MaxMaskB, a == b ? U(0.5) : (a > b ? U(0) : U(1)));
// pow: 1 where the exponent gradient a^b log(a) is replaced by 0 (a == 0 and b >= 0).
XGRAD_SCALAR_FN(PowZeroBaseMask, (a == 0 && b >= 0) ? U(1) : U(0));
#undef XGRAD_SCALAR_FN

/// A constant (not differentiable) tensor of x's shape: f(x[i]) for each element.
template <class F>
Tensor constant_map(const Tensor& x, const char* op, F f) {
  return kernels::unary(x.detach(), op, f);
}
/// The gradient `g` of a broadcast operand summed back to its `shape`. An empty gradient
/// (the output has a size-0 dimension) gives zeros without calling sum_to, which cannot
/// reduce an empty tensor along a dimension (it crashes in Sum::forward).
Tensor reduce_grad(const Tensor& g, const Shape& shape) {
  if (g.numel() == 0 && g.shape() != shape) return zeros(shape, g.dtype());
  return sum_to(g, shape);
}

/// A 0-d zero of x's dtype, to fill the unselected side of `where`.
Tensor zero_like_scalar(const Tensor& x) {
  return zeros({}, x.dtype());
}

struct Abs : Function<Abs> {
  static constexpr const char* name = "abs";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary(x, name, [](auto v) { return std::abs(v); });
  }
  // d|x| = sign(x) dx, with sign(0) = 0 (PyTorch's sgn); the sign is a constant mask.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * constant_map(x, name, [](auto v) {
              using T = decltype(v);
              return v > 0 ? T(1) : (v < 0 ? T(-1) : T(0));
            })};
  }
};

struct Sqrt : Function<Sqrt> {
  static constexpr const char* name = "sqrt";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y = kernels::unary_costly(x, name, [](auto v) { return std::sqrt(v); });
    ctx->save_for_backward({y});
    return y;
  }
  // d sqrt(x) = dx / (2 sqrt(x)), reusing the output (inf at x = 0, as PyTorch)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] / (ctx->get_saved_variables()[0] * 2.0)};
  }
};

struct Sin : Function<Sin> {
  static constexpr const char* name = "sin";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, name, [](auto v) { return std::sin(v); });
  }
  // d sin(x) = cos(x) dx
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * cos(ctx->get_saved_variables()[0])};
  }
};

struct Cos : Function<Cos> {
  static constexpr const char* name = "cos";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, name, [](auto v) { return std::cos(v); });
  }
  // d cos(x) = -sin(x) dx
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {neg(g[0] * sin(ctx->get_saved_variables()[0]))};
  }
};

/// Elements per task of the vectorised float32 tanh: at ~0.4 ns an element it costs a few
/// times a cheap elementwise op, not a scalar libm call.
constexpr int64_t kVectorTanhGrain = kElementwiseGrain / 4;

struct Tanh : Function<Tanh> {
  static constexpr const char* name = "tanh";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y;
    if (x.defined() && x.dtype() == DType::Float32) {
      // glibc's scalar tanhf was most of a tanh network's forward (ops/detail/vector_math.hpp).
      y = empty_tensor<float>(x.shape());
      const float* px = raw_data<float>(x);
      float* py = raw_data<float>(y);
      parallel_for(x.numel(), kVectorTanhGrain,
                   [&](int64_t lo, int64_t hi) { vec::tanh(px + lo, py + lo, hi - lo); });
    } else {
      y = kernels::unary_costly(x, name, [](auto v) { return std::tanh(v); });
    }
    ctx->save_for_backward({y});
    return y;
  }
  // d tanh(x) = (1 - tanh(x)^2) dx, reusing the output. Recorded (create_graph) as the
  // differentiable composition; otherwise one fused pass instead of three temporaries.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor y = ctx->get_saved_variables()[0];
    if (GradMode::is_enabled() || g[0].shape() != y.shape() || g[0].dtype() != y.dtype())
      return {g[0] * (1.0 - y * y)};
    return {visit_floating(y.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(y.shape());
      const T* pg = raw_data<T>(g[0]);
      const T* py = raw_data<T>(y);
      T* po = raw_data<T>(out);
      parallel_for(y.numel(), kElementwiseGrain, [&](int64_t lo, int64_t hi) {
        for (int64_t i = lo; i < hi; ++i) po[i] = pg[i] * (T(1) - py[i] * py[i]);
      });
      return out;
    })};
  }
};

struct Sigmoid : Function<Sigmoid> {
  static constexpr const char* name = "sigmoid";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    // exp of a non-positive number only: no overflow, so sigmoid(+-1000) is exactly 1 / 0.
    Tensor y = kernels::unary_costly(x, name, [](auto v) {
      using T = decltype(v);
      if (v >= 0) return T(1) / (T(1) + std::exp(-v));
      const T e = std::exp(v);
      return e / (T(1) + e);
    });
    ctx->save_for_backward({y});
    return y;
  }
  // d sigmoid(x) = s (1 - s) dx with s = sigmoid(x), reusing the output
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor s = ctx->get_saved_variables()[0];
    return {g[0] * (s * (1.0 - s))};
  }
};

struct Clamp : Function<Clamp> {
  static constexpr const char* name = "clamp";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double lo, double hi) {
    ctx->saved_data["lo"] = lo;
    ctx->saved_data["hi"] = hi;
    ctx->save_for_backward({x});
    // Written with comparisons so that NaN stays NaN, as in PyTorch.
    return kernels::unary(x, name, [lo, hi](auto v) {
      using T = decltype(v);
      return v < T(lo) ? T(lo) : (v > T(hi) ? T(hi) : v);
    });
  }
  // d clamp(x, lo, hi) = [lo <= x <= hi] dx; the mask is a constant read from the saved x
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const double lo = ctx->saved_data.get<double>("lo");
    const double hi = ctx->saved_data.get<double>("hi");
    const Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * constant_map(x, name, [lo, hi](auto v) {
              using T = decltype(v);
              return v >= T(lo) && v <= T(hi) ? T(1) : T(0);
            })};
  }
};

struct Maximum : Function<Maximum> {
  static constexpr const char* name = "maximum";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    ctx->save_for_backward({a, b});
    return kernels::binary(a, b, name, lifted(MaxS{}));
  }
  // d max(a, b) = [a > b] da + [b > a] db, ties giving 1/2 to each; masks are constants.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    auto s = ctx->get_saved_variables();
    const Tensor a = s[0].detach(), b = s[1].detach();
    return {if_needed(ctx, 0,
                      [&] {
                        return reduce_grad(g[0] * kernels::binary(a, b, name, lifted(MaxMaskA{})),
                                           ctx->input_shape(0));
                      }),
            if_needed(ctx, 1, [&] {
              return reduce_grad(g[0] * kernels::binary(a, b, name, lifted(MaxMaskB{})),
                                 ctx->input_shape(1));
            })};
  }
};

struct Minimum : Function<Minimum> {
  static constexpr const char* name = "minimum";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    ctx->save_for_backward({a, b});
    return kernels::binary(a, b, name, lifted(MinS{}));
  }
  // d min(a, b) = [a < b] da + [b < a] db, ties giving 1/2 to each; masks are constants.
  // min(a, b) = -max(-a, -b), so the masks of maximum apply with the operands negated.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    auto s = ctx->get_saved_variables();
    const Tensor a = s[0].detach(), b = s[1].detach();
    return {if_needed(ctx, 0,
                      [&] {
                        return reduce_grad(g[0] * kernels::binary(b, a, name, lifted(MaxMaskA{})),
                                           ctx->input_shape(0));
                      }),
            if_needed(ctx, 1, [&] {
              return reduce_grad(g[0] * kernels::binary(b, a, name, lifted(MaxMaskB{})),
                                 ctx->input_shape(1));
            })};
  }
};

struct Where : Function<Where> {
  static constexpr const char* name = "where";
  static Tensor forward(AutogradContext* ctx, const Tensor& cond, const Tensor& a,
                        const Tensor& b) {
    if (!cond.defined()) throw ValueError("where: the condition tensor is undefined");
    kernels::check_binary(a, b, name);
    const Shape shape =
        broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), name), b.shape(), name);
    ctx->save_for_backward({cond});
    return visit_floating(a.dtype(), name, [&](auto za) {
      using T = decltype(za);
      return visit_dtype(cond.dtype(), [&](auto zc) {
        using C = decltype(zc);
        Tensor out = empty_tensor<T>(shape);
        if (cond.shape() == shape && a.shape() == shape && b.shape() == shape) {
          const C* pc = raw_data<C>(cond);
          const T* pa = raw_data<T>(a);
          const T* pb = raw_data<T>(b);
          T* po = raw_data<T>(out);
          for (int64_t i = 0, n = out.numel(); i < n; ++i) po[i] = pc[i] != C(0) ? pa[i] : pb[i];
        } else {
          auto o = as_xt<T>(out);
          xt::noalias(o) = xt::where(xt::not_equal(as_xt<C>(cond), C(0)), as_xt<T>(a), as_xt<T>(b));
        }
        return out;
      });
    });
  }
  // d where(c, a, b) = where(c, da, 0) + where(c, 0, db); nothing flows to c. Selecting
  // (rather than multiplying by a mask) keeps an inf/NaN gradient out of the other side.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor cond = ctx->get_saved_variables()[0];
    const Tensor zero = zero_like_scalar(g[0]);
    return {Tensor(),
            if_needed(ctx, 1,
                      [&] { return reduce_grad(where(cond, g[0], zero), ctx->input_shape(1)); }),
            if_needed(ctx, 2,
                      [&] { return reduce_grad(where(cond, zero, g[0]), ctx->input_shape(2)); })};
  }
};

struct PowTensor : Function<PowTensor> {
  static constexpr const char* name = "pow";
  static Tensor forward(AutogradContext* ctx, const Tensor& a, const Tensor& b) {
    Tensor y = kernels::binary(a, b, name, lifted(PowS{}));
    ctx->save_for_backward({a, b, y});
    return y;
  }
  // d a^b = b a^(b-1) da + a^b log(a) db. As in PyTorch, the first term is 0 where b == 0
  // and the second is 0 where a == 0 and b >= 0 (instead of 0 * inf = NaN).
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    auto s = ctx->get_saved_variables();
    const Tensor &a = s[0], &b = s[1], &y = s[2];
    const Tensor zero = zero_like_scalar(g[0]);
    return {if_needed(ctx, 0,
                      [&] {
                        const Tensor b_zero = constant_map(b, name, [](auto v) {
                          using T = decltype(v);
                          return v == 0 ? T(1) : T(0);
                        });
                        return reduce_grad(where(b_zero, zero, g[0] * (b * pow(a, b - 1.0))),
                                           ctx->input_shape(0));
                      }),
            if_needed(ctx, 1, [&] {
              const Tensor a_zero =
                  kernels::binary(a.detach(), b.detach(), name, lifted(PowZeroBaseMask{}));
              return reduce_grad(where(a_zero, zero, g[0] * (y * log(a))), ctx->input_shape(1));
            })};
  }
};

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  if (needs_promotion(a, b)) return promoted_binary(a, b, '+');  // int64/bool operands
  return Add::apply(a, b);
}
Tensor sub(const Tensor& a, const Tensor& b) {
  if (needs_promotion(a, b)) return promoted_binary(a, b, '-');  // int64/bool operands
  return Sub::apply(a, b);
}
Tensor mul(const Tensor& a, const Tensor& b) {
  if (needs_promotion(a, b)) return promoted_binary(a, b, '*');  // int64/bool operands
  return Mul::apply(a, b);
}
Tensor div(const Tensor& a, const Tensor& b) {
  if (needs_promotion(a, b)) return promoted_binary(a, b, '/');  // int64/bool operands
  return Div::apply(a, b);
}
Tensor neg(const Tensor& x) {
  if (needs_promotion(x)) return promoted_neg(x);
  return Neg::apply(x);
}
Tensor exp(const Tensor& x) {
  return Exp::apply(x);
}
Tensor log(const Tensor& x) {
  return Log::apply(x);
}
Tensor pow(const Tensor& x, double exponent) {
  return Pow::apply(x, exponent);
}
Tensor clone(const Tensor& x) {
  return Clone::apply(x);
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return PowTensor::apply(a, b);
}
Tensor abs(const Tensor& x) {
  return Abs::apply(x);
}
Tensor sqrt(const Tensor& x) {
  return Sqrt::apply(x);
}
Tensor sin(const Tensor& x) {
  return Sin::apply(x);
}
Tensor cos(const Tensor& x) {
  return Cos::apply(x);
}
Tensor tanh(const Tensor& x) {
  return Tanh::apply(x);
}
Tensor sigmoid(const Tensor& x) {
  return Sigmoid::apply(x);
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  kernels::check_floating(x, "clamp");
  if (std::isnan(lo) || std::isnan(hi)) {
    throw ValueError(
        fmt::format("clamp: the bounds must not be NaN (got lo = {}, hi = {})", lo, hi));
  }
  if (lo > hi) {
    throw ValueError(fmt::format(
        "clamp: lo ({}) is greater than hi ({}); the interval [lo, hi] would be empty", lo, hi));
  }
  return Clamp::apply(x, lo, hi);
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return Maximum::apply(a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return Minimum::apply(a, b);
}
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  if (needs_promotion(a, b)) return promoted_where(cond, a, b);
  // cond is never differentiated: detached, it is not an input that requires grad.
  return Where::apply(cond.defined() ? cond.detach() : cond, a, b);
}

Tensor to(const Tensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  if (x.requires_grad() && !is_floating(dtype)) {
    throw DTypeError(
        fmt::format("to: a tensor that requires grad cannot become {}: the "
                    "gradient would be lost; detach() it first",
                    dtype_name(dtype)));
  }
  return To::apply(x, dtype);
}

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator+(const Tensor& a, double b) {
  if (needs_promotion(a)) return promoted_scalar(a, b, '+');
  return AddScalar::apply(a, b);
}
Tensor operator-(const Tensor& a, double b) {
  if (needs_promotion(a)) return promoted_scalar(a, b, '-');
  return AddScalar::apply(a, -b);
}
Tensor operator*(const Tensor& a, double b) {
  if (needs_promotion(a)) return promoted_scalar(a, b, '*');
  return MulScalar::apply(a, b);
}
Tensor operator/(const Tensor& a, double b) {
  if (needs_promotion(a)) return promoted_scalar(a, b, '/');
  return DivScalar::apply(a, b);
}
Tensor operator+(double a, const Tensor& b) {
  if (needs_promotion(b)) return promoted_scalar(b, a, '+', true);
  return AddScalar::apply(b, a);
}
Tensor operator-(double a, const Tensor& b) {
  if (needs_promotion(b)) return promoted_scalar(b, a, '-', true);
  return AddScalar::apply(neg(b), a);
}
Tensor operator*(double a, const Tensor& b) {
  if (needs_promotion(b)) return promoted_scalar(b, a, '*', true);
  return MulScalar::apply(b, a);
}
Tensor operator/(double a, const Tensor& b) {
  if (needs_promotion(b)) return promoted_scalar(b, a, '/', true);
  return ScalarDiv::apply(a, b);
}

Tensor Tensor::operator-() const {
  return xgrad::neg(*this);
}
Tensor Tensor::exp() const {
  return xgrad::exp(*this);
}
Tensor Tensor::log() const {
  return xgrad::log(*this);
}
Tensor Tensor::pow(double exponent) const {
  return xgrad::pow(*this, exponent);
}
Tensor Tensor::clone() const {
  return xgrad::clone(*this);
}
Tensor Tensor::to(DType dtype) const {
  return xgrad::to(*this, dtype);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> elementwise_op_schemas() {
  auto scalar_attr = [](const char* name, Tensor (*fn)(const Tensor&, double), const char* attr) {
    return OpSchema{name, 1, {attr}, [fn, attr](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get<double>(attr))};
                    }};
  };
  return {
      binary_schema("add", add),
      binary_schema("sub", sub),
      binary_schema("mul", mul),
      binary_schema("div", div),
      unary_schema("neg", neg),
      unary_schema("exp", exp),
      unary_schema("log", log),
      unary_schema("clone", clone),
      scalar_attr("pow", pow, "exponent"),
      binary_schema("pow_tensor", pow),
      unary_schema("abs", abs),
      unary_schema("sqrt", sqrt),
      unary_schema("sin", sin),
      unary_schema("cos", cos),
      unary_schema("tanh", tanh),
      unary_schema("sigmoid", sigmoid),
      OpSchema{"clamp",
               1,
               {"min", "max"},
               [](const TensorList& in, const Attrs& a) {
                 const double inf = std::numeric_limits<double>::infinity();
                 return TensorList{
                     clamp(in[0], a.get_or<double>("min", -inf), a.get_or<double>("max", inf))};
               }},
      binary_schema("maximum", maximum),
      binary_schema("minimum", minimum),
      OpSchema{"where",
               3,
               {},
               [](const TensorList& in, const Attrs&) {
                 return TensorList{where(in[0], in[1], in[2])};
               }},
  };
}
}  // namespace xgrad::ops
