// Activation functions: forward and backward side by side. Backward formulas use
// differentiable ops, so they can themselves be differentiated (create_graph); masks that
// pick a branch are constants computed from saved tensors.
#include <xgrad/ops/activation.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <xgrad/core/function.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/elementwise.hpp>

namespace xgrad {
namespace {

constexpr double kSqrt1_2 = 0.70710678118654752440;     // 1 / sqrt(2)
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1 / sqrt(2 pi)

/// 1 where x > 0, else 0: a constant (not differentiable) mask.
Tensor positive_mask(const Tensor& x, const char* op = "relu") {
  return kernels::unary(x.detach(), op,
                        [](auto v) { return v > 0 ? decltype(v)(1) : decltype(v)(0); });
}

struct Relu : Function<Relu> {
  static constexpr const char* name = "relu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    Tensor y = kernels::unary(x, name, [](auto v) { return v > 0 ? v : decltype(v)(0); });
    ctx->save_for_backward({y});
    return y;
  }
  // d relu(x) = [x > 0] dx; the mask is read from the output (y > 0 exactly where x > 0)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * positive_mask(ctx->get_saved_variables()[0].detach())};
  }
};

struct LeakyRelu : Function<LeakyRelu> {
  static constexpr const char* name = "leaky_relu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double slope) {
    ctx->saved_data["negative_slope"] = slope;
    ctx->save_for_backward({x});
    return kernels::unary(x, name, [slope](auto v) {
      using T = decltype(v);
      return v > 0 ? v : v * T(slope);
    });
  }
  // d leaky_relu(x) = ([x > 0] + slope [x <= 0]) dx; the factor is a constant read from the
  // saved input (the output's sign would be wrong for a negative slope)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const double slope = ctx->saved_data.get<double>("negative_slope");
    const Tensor x = ctx->get_saved_variables()[0].detach();
    return {g[0] * kernels::unary(x, name, [slope](auto v) {
              using T = decltype(v);
              return v > 0 ? T(1) : T(slope);
            })};
  }
};

struct Elu : Function<Elu> {
  static constexpr const char* name = "elu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double alpha) {
    ctx->saved_data["alpha"] = alpha;
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, name, [alpha](auto v) {
      using T = decltype(v);
      return v > 0 ? v : T(alpha) * std::expm1(v);
    });
  }
  // d elu(x) = ([x > 0] + [x <= 0] alpha exp(x)) dx. exp is taken of x * [x <= 0] (so of 0
  // where x > 0): it never overflows, and the unused branch contributes exactly 0 to higher
  // derivatives instead of 0 * inf.
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const double alpha = ctx->saved_data.get<double>("alpha");
    const Tensor x = ctx->get_saved_variables()[0];
    const Tensor pos = positive_mask(x, name);
    const Tensor nonpos = 1.0 - pos;
    return {g[0] * (pos + nonpos * exp(x * nonpos) * alpha)};
  }
};

/// The derivative of exact GELU, gelu'(x) = Phi(x) + x phi(x) (Phi, phi: the standard normal
/// cdf and pdf), as an op of its own so that gelu's backward stays differentiable.
struct GeluDerivative : Function<GeluDerivative> {
  static constexpr const char* name = "gelu_derivative";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, "gelu", [](auto v) {
      using T = decltype(v);
      const T cdf = T(0.5) * std::erfc(-v * T(kSqrt1_2));
      const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * v * v);
      return cdf + v * pdf;
    });
  }
  // d gelu'(x) = gelu''(x) dx = phi(x) (2 - x^2) dx, phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor x = ctx->get_saved_variables()[0];
    const Tensor x2 = x * x;
    return {g[0] * (exp(x2 * -0.5) * kInvSqrt2Pi * (2.0 - x2))};
  }
};

struct Gelu : Function<Gelu> {
  static constexpr const char* name = "gelu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    // 0.5 x (1 + erf(x / sqrt 2)) written as 0.5 x erfc(-x / sqrt 2): the same value, but
    // without cancellation for negative x.
    return kernels::unary_costly(x, name, [](auto v) {
      using T = decltype(v);
      return T(0.5) * v * std::erfc(-v * T(kSqrt1_2));
    });
  }
  // d gelu(x) = (Phi(x) + x phi(x)) dx
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {g[0] * GeluDerivative::apply(ctx->get_saved_variables()[0])};
  }
};

struct Silu : Function<Silu> {
  static constexpr const char* name = "silu";
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->save_for_backward({x});
    return kernels::unary_costly(x, name, [](auto v) {
      using T = decltype(v);
      // x * sigmoid(x), with the overflow-free sigmoid
      if (v >= 0) return v / (T(1) + std::exp(-v));
      const T e = std::exp(v);
      return v * e / (T(1) + e);
    });
  }
  // d silu(x) = s (1 + x (1 - s)) dx with s = sigmoid(x)
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const Tensor x = ctx->get_saved_variables()[0];
    const Tensor s = sigmoid(x);
    return {g[0] * (s * (x * (1.0 - s) + 1.0))};
  }
};

struct Softplus : Function<Softplus> {
  static constexpr const char* name = "softplus";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double beta, double threshold) {
    ctx->saved_data["beta"] = beta;
    ctx->saved_data["threshold"] = threshold;
    ctx->save_for_backward({x});
    // log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), z = beta x: exp never overflows.
    return kernels::unary_costly(x, name, [beta, threshold](auto v) {
      using T = decltype(v);
      const T z = v * T(beta);
      if (z > T(threshold)) return v;
      return (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / T(beta);
    });
  }
  // d softplus(x) = sigmoid(beta x) dx where beta x <= threshold, dx above (the linear part);
  // the mask is a constant read from the saved input
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const double beta = ctx->saved_data.get<double>("beta");
    const double threshold = ctx->saved_data.get<double>("threshold");
    const Tensor x = ctx->get_saved_variables()[0];
    const Tensor above = kernels::unary(x.detach(), name, [beta, threshold](auto v) {
      using T = decltype(v);
      return v * T(beta) > T(threshold) ? T(1) : T(0);
    });
    return {g[0] * (above + (1.0 - above) * sigmoid(x * beta))};
  }
};

}  // namespace

Tensor relu(const Tensor& x) {
  return Relu::apply(x);
}
Tensor Tensor::relu() const {
  return xgrad::relu(*this);
}
Tensor leaky_relu(const Tensor& x, double negative_slope) {
  return LeakyRelu::apply(x, negative_slope);
}
Tensor elu(const Tensor& x, double alpha) {
  return Elu::apply(x, alpha);
}
Tensor gelu(const Tensor& x) {
  return Gelu::apply(x);
}
Tensor silu(const Tensor& x) {
  return Silu::apply(x);
}
Tensor softplus(const Tensor& x, double beta, double threshold) {
  kernels::check_floating(x, "softplus");
  if (beta == 0 || !std::isfinite(beta)) {
    throw ValueError(
        fmt::format("softplus: beta must be finite and nonzero (it divides), got {}", beta));
  }
  return Softplus::apply(x, beta, threshold);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> activation_op_schemas() {
  return {
      unary_schema("relu", relu),
      OpSchema{"leaky_relu",
               1,
               {"negative_slope"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{leaky_relu(in[0], a.get_or<double>("negative_slope", 0.01))};
               }},
      OpSchema{"elu",
               1,
               {"alpha"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{elu(in[0], a.get_or<double>("alpha", 1.0))};
               }},
      unary_schema("gelu", gelu),
      unary_schema("silu", silu),
      OpSchema{"softplus",
               1,
               {"beta", "threshold"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{softplus(in[0], a.get_or<double>("beta", 1.0),
                                            a.get_or<double>("threshold", 20.0))};
               }},
  };
}
}  // namespace xgrad::ops
