// Elementwise arithmetic and math: forward and backward side by side. Backward formulas use
// differentiable ops, so they can themselves be differentiated (create_graph).
#include "ops/elementwise.hpp"

#include <cmath>

#include "core/function.hpp"
#include "ops/builtin.hpp"
#include "ops/kernels.hpp"
#include "ops/reduce.hpp"

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
    Tensor y = kernels::unary(x, name, [](auto v) { return std::exp(v); });
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
    return kernels::unary(x, name, [](auto v) { return std::log(v); });
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
    return kernels::unary(x, name,
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
  static Tensor forward(AutogradContext*, const Tensor& x) {
    Tensor out = empty_tensor(x.shape(), x.dtype());
    visit_dtype(x.dtype(), [&](auto z) {
      using T = decltype(z);
      std::copy_n(raw_data<T>(x), x.numel(), raw_data<T>(out));
    });
    return out;
  }
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
        for (int64_t i = 0, n = x.numel(); i < n; ++i) po[i] = static_cast<O>(px[i]);
      });
    });
    return out;
  }
  // The gradient goes back in the input's dtype.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0].to(ctx->input_dtype(0))};
  }
};

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  return Add::apply(a, b);
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return Sub::apply(a, b);
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return Mul::apply(a, b);
}
Tensor div(const Tensor& a, const Tensor& b) {
  return Div::apply(a, b);
}
Tensor neg(const Tensor& x) {
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
  return AddScalar::apply(a, b);
}
Tensor operator-(const Tensor& a, double b) {
  return AddScalar::apply(a, -b);
}
Tensor operator*(const Tensor& a, double b) {
  return MulScalar::apply(a, b);
}
Tensor operator/(const Tensor& a, double b) {
  return DivScalar::apply(a, b);
}
Tensor operator+(double a, const Tensor& b) {
  return AddScalar::apply(b, a);
}
Tensor operator-(double a, const Tensor& b) {
  return AddScalar::apply(neg(b), a);
}
Tensor operator*(double a, const Tensor& b) {
  return MulScalar::apply(b, a);
}
Tensor operator/(double a, const Tensor& b) {
  return ScalarDiv::apply(a, b);
}

Tensor Tensor::operator-() const {
  return neg(*this);
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
  };
}
}  // namespace xgrad::ops
