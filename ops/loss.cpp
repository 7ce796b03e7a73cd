// Loss functions: forward and backward side by side. Most are composed from differentiable
// ops; cross-entropy and BCE-with-logits are fused for stability and speed, with backward
// formulas that are themselves differentiable.
#include <xgrad/ops/loss.hpp>

#include <cmath>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/activation.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/functional.hpp>
#include <xgrad/ops/reduce.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad {
namespace {

Tensor reduce(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::Mean:
      return mean(loss);
    case Reduction::Sum:
      return sum(loss);
    case Reduction::None:
      break;
  }
  return loss;
}

void check_same_shape(const Tensor& x, const Tensor& y, const char* op) {
  kernels::check_binary(x, y, op);
  if (x.shape() != y.shape()) {
    throw ShapeError(fmt::format("{}: input {} and target {} must have the same shape", op,
                                 shape_str(x.shape()), shape_str(y.shape())));
  }
}

/// Checks logits/log-probabilities [N, C] against int64 labels [N] in [0, C).
void check_class_labels(const Tensor& scores, const Tensor& labels, const char* op) {
  kernels::check_floating(scores, op);
  if (!labels.defined() || labels.dtype() != DType::Int64) {
    throw DTypeError(fmt::format("{}: labels must be an int64 tensor of class indices, got {}", op,
                                 labels.defined() ? dtype_name(labels.dtype()) : "undefined"));
  }
  if (scores.dim() != 2 || labels.dim() != 1 || labels.shape()[0] != scores.shape()[0]) {
    throw ShapeError(fmt::format("{}: expected scores [N, C] and labels [N], got {} and {}", op,
                                 shape_str(scores.shape()), shape_str(labels.shape())));
  }
  const int64_t classes = scores.shape()[1];
  const Tensor dense_labels = dense(labels);  // a view is read through a contiguous copy
  const int64_t* pl = dense_labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < labels.numel(); ++i) {
    if (pl[i] < 0 || pl[i] >= classes) {
      throw IndexError(fmt::format("{}: label {} at position {} is out of range for {} classes", op,
                                   pl[i], i, classes));
    }
  }
}

/// The target distribution [N, C]: (1 - smoothing) one-hot(labels) + smoothing / C.
Tensor target_distribution(const Tensor& labels, const Shape& shape, DType dtype,
                           double smoothing) {
  const int64_t classes = shape[1];
  Tensor q = full(shape, smoothing / static_cast<double>(classes), dtype);
  const Tensor dense_labels = dense(labels);
  const int64_t* pl = dense_labels.data_ptr<int64_t>();
  visit_floating(dtype, "cross_entropy", [&](auto z) {
    using T = decltype(z);
    T* pq = raw_data<T>(q);
    for (int64_t i = 0; i < shape[0]; ++i) pq[i * classes + pl[i]] += static_cast<T>(1 - smoothing);
  });
  return q;
}

struct CrossEntropy : Function<CrossEntropy> {
  static constexpr const char* name = "cross_entropy";
  // loss_i = logsumexp(x_i) - sum_c q_ic x_ic, with the row max subtracted first.
  static Tensor forward(AutogradContext* ctx, const Tensor& logits, const Tensor& labels,
                        double smoothing) {
    ctx->save_for_backward({logits, labels});
    ctx->saved_data["smoothing"] = smoothing;
    const int64_t n = logits.shape()[0], c = logits.shape()[1];
    const int64_t* pl = labels.data_ptr<int64_t>();
    return visit_floating(logits.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>({n});
      const T* px = raw_data<T>(logits);
      T* po = raw_data<T>(out);
      const T on = static_cast<T>(1 - smoothing), off = static_cast<T>(smoothing / c);
      for (int64_t i = 0; i < n; ++i) {
        const T* row = px + i * c;
        T m = -INFINITY;
        for (int64_t k = 0; k < c; ++k) m = std::max(m, row[k]);
        if (!std::isfinite(m)) m = 0;
        // Terms with weight 0 are skipped, so a -inf logit off the target stays harmless.
        T total = 0, weighted = 0;
        for (int64_t k = 0; k < c; ++k) {
          total += std::exp(row[k] - m);
          if (off != 0) weighted += off * (row[k] - m);
        }
        if (on != 0) weighted += on * (row[pl[i]] - m);
        po[i] = std::log(total) - weighted;
      }
      return out;
    });
  }
  // d loss_i / d x_i = softmax(x_i) - q_i
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    Tensor q;
    {
      NoGradGuard no_grad;
      q = target_distribution(s[1], s[0].shape(), s[0].dtype(),
                              ctx->saved_data.get<double>("smoothing"));
    }
    return {(softmax(s[0], 1) - q) * reshape(g[0], {-1, 1}), Tensor()};
  }
};

struct BceWithLogits : Function<BceWithLogits> {
  static constexpr const char* name = "binary_cross_entropy_with_logits";
  // loss = max(x, 0) - x t + log(1 + exp(-|x|)): never overflows.
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& t) {
    ctx->save_for_backward({x, t});
    return visit_floating(x.dtype(), name, [&](auto z) {  // same shapes: checked by the caller
      using T = decltype(z);
      Tensor out = empty_tensor<T>(x.shape());
      const T* px = raw_data<T>(x);
      const T* pt = raw_data<T>(t);
      T* po = raw_data<T>(out);
      for (int64_t i = 0, n = x.numel(); i < n; ++i)
        po[i] = std::max(px[i], T(0)) - px[i] * pt[i] + std::log1p(std::exp(-std::abs(px[i])));
      return out;
    });
  }
  // d/dx = sigmoid(x) - t,  d/dt = -x
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    const auto s = ctx->get_saved_variables();
    Tensor gx, gt;
    if (ctx->needs_input_grad(0)) gx = g[0] * (sigmoid(s[0]) - s[1]);
    if (ctx->needs_input_grad(1)) gt = neg(g[0] * s[0]);
    return {gx, gt};
  }
};

}  // namespace

Tensor mse_loss(const Tensor& x, const Tensor& y, Reduction reduction) {
  check_same_shape(x, y, "mse_loss");
  const Tensor d = x - y;
  return reduce(d * d, reduction);
}

Tensor l1_loss(const Tensor& x, const Tensor& y, Reduction reduction) {
  check_same_shape(x, y, "l1_loss");
  return reduce(abs(x - y), reduction);
}

Tensor huber_loss(const Tensor& x, const Tensor& y, Reduction reduction, double delta) {
  check_same_shape(x, y, "huber_loss");
  if (!(delta > 0)) throw ValueError(fmt::format("huber_loss: delta = {} must be positive", delta));
  const Tensor d = x - y;
  const Tensor ad = abs(d);
  Tensor quadratic;  // 1 where |d| < delta: a constant mask
  {
    NoGradGuard no_grad;
    quadratic = kernels::unary(ad.detach(), "huber_loss", [delta](auto v) {
      return v < delta ? decltype(v)(1) : decltype(v)(0);
    });
  }
  const Tensor loss = quadratic * (d * d * 0.5) + (1.0 - quadratic) * ((ad - 0.5 * delta) * delta);
  return reduce(loss, reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& labels, Reduction reduction,
                     double label_smoothing) {
  check_class_labels(logits, labels, "cross_entropy");
  if (!(label_smoothing >= 0 && label_smoothing <= 1)) {
    throw ValueError(
        fmt::format("cross_entropy: label_smoothing = {} is outside [0, 1]", label_smoothing));
  }
  return reduce(CrossEntropy::apply(logits, labels, label_smoothing), reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& labels, Reduction reduction) {
  check_class_labels(log_probs, labels, "nll_loss");
  // -log_probs[i, label_i], picked with gather (a one-hot product would turn a -inf elsewhere
  // in the row into NaN).
  const Tensor picked = gather(log_probs, 1, reshape(labels, {labels.numel(), 1}));
  return reduce(neg(reshape(picked, {labels.numel()})), reduction);
}

Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, Reduction reduction) {
  check_same_shape(p, target, "binary_cross_entropy");
  for (double v : p.detach().to_vector()) {
    if (!(v >= 0 && v <= 1)) {
      throw ValueError(
          fmt::format("binary_cross_entropy: every input must be a probability in "
                      "[0, 1], found {}",
                      v));
    }
  }
  const Tensor log_p = clamp(log(p), -100, INFINITY);
  const Tensor log_1mp = clamp(log(1.0 - p), -100, INFINITY);
  return reduce(neg(target * log_p + (1.0 - target) * log_1mp), reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& x, const Tensor& target,
                                        Reduction reduction) {
  check_same_shape(x, target, "binary_cross_entropy_with_logits");
  return reduce(BceWithLogits::apply(x, target), reduction);
}

namespace ops {
namespace {
Reduction reduction_attr(const Attrs& a, const char* op) {
  const std::string r = a.get_or<std::string>("reduction", "mean");
  if (r == "mean") return Reduction::Mean;
  if (r == "sum") return Reduction::Sum;
  if (r == "none") return Reduction::None;
  throw ValueError(fmt::format("{}: reduction '{}' is not one of none, mean, sum", op, r));
}
using LossFn = Tensor (*)(const Tensor&, const Tensor&, Reduction);
OpSchema loss_schema(const char* name, LossFn fn) {
  return OpSchema{name, 2, {"reduction"}, [fn, name](const TensorList& in, const Attrs& a) {
                    return TensorList{fn(in[0], in[1], reduction_attr(a, name))};
                  }};
}
}  // namespace

std::vector<OpSchema> loss_op_schemas() {
  return {
      loss_schema("mse_loss", mse_loss),
      loss_schema("l1_loss", l1_loss),
      loss_schema("nll_loss", nll_loss),
      loss_schema("binary_cross_entropy", binary_cross_entropy),
      loss_schema("binary_cross_entropy_with_logits", binary_cross_entropy_with_logits),
      OpSchema{"huber_loss",
               2,
               {"reduction", "delta"},
               [name = "huber_loss"](const TensorList& in, const Attrs& a) {
                 return TensorList{huber_loss(in[0], in[1], reduction_attr(a, name),
                                              a.get_or<double>("delta", 1.0))};
               }},
      OpSchema{"cross_entropy",
               2,
               {"reduction", "label_smoothing"},
               [name = "cross_entropy"](const TensorList& in, const Attrs& a) {
                 return TensorList{cross_entropy(in[0], in[1], reduction_attr(a, name),
                                                 a.get_or<double>("label_smoothing", 0.0))};
               }},
  };
}
}  // namespace ops

}  // namespace xgrad
