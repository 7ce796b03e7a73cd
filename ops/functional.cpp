// softmax, log_softmax and dropout, composed from differentiable ops so that gradients of any
// order come for free; the max subtracted for stability is a constant (it cancels).
#include <xgrad/ops/functional.hpp>

#include <cmath>
#include <random>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/random.hpp>
#include <xgrad/ops/detail/builtin.hpp>
#include <xgrad/ops/detail/kernels.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/reduce.hpp>

namespace xgrad {

namespace {
/// max(x, dim, keepdim) as a constant, with non-finite maxima replaced by 0 (an all -inf row
/// then stays -inf instead of becoming NaN).
Tensor stable_shift(const Tensor& x, int64_t dim) {
  NoGradGuard no_grad;
  if (x.numel() == 0) return zeros(x.dim() == 0 ? Shape{} : Shape(x.dim(), 1), x.dtype());
  return kernels::unary(max(x.detach(), Shape{dim}, true), "softmax",
                        [](auto v) { return std::isfinite(v) ? v : decltype(v)(0); });
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  kernels::check_floating(x, "softmax");
  normalize_dim(dim, x.dim(), "softmax");
  // softmax = e / sum(e) with e = exp(x - max): no overflow.
  const Tensor e = xgrad::exp(x - stable_shift(x, dim));
  return e / sum(e, {dim}, true);
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  kernels::check_floating(x, "log_softmax");
  normalize_dim(dim, x.dim(), "log_softmax");
  // log softmax = (x - m) - log sum exp(x - m)
  const Tensor shifted = x - stable_shift(x, dim);
  return shifted - xgrad::log(sum(xgrad::exp(shifted), {dim}, true));
}

Tensor dropout(const Tensor& x, double p, bool training) {
  kernels::check_floating(x, "dropout");
  if (!(p >= 0 && p <= 1)) {
    throw ValueError(fmt::format("dropout: probability p = {} is outside [0, 1]", p));
  }
  if (!training || p == 0) return x;
  if (p == 1) return x * 0.0;
  // A constant mask of 0 and 1 / (1 - p): the gradient goes through the kept elements only.
  // Each 64-bit draw of the generator decides two elements: an element is kept when its 32-bit
  // half is below (1 - p)·2³², so P(keep) = 1 - p to within 2⁻³² (std::bernoulli_distribution
  // spends a whole draw and a conversion to double per element: 3x slower, and the mask is on
  // the training hot path).
  Tensor mask = empty_tensor(x.shape(), x.dtype());
  {
    auto gen = default_generator();
    const uint64_t threshold = static_cast<uint64_t>(std::ldexp(1 - p, 32));
    const double scale = 1 / (1 - p);
    visit_floating(x.dtype(), "dropout", [&](auto z) {
      using T = decltype(z);
      T* pm = raw_data<T>(mask);
      const int64_t n = mask.numel();
      for (int64_t i = 0; i < n; i += 2) {
        const uint64_t bits = gen.engine();
        pm[i] = (bits & 0xffffffffu) < threshold ? T(scale) : T(0);
        if (i + 1 < n) pm[i + 1] = (bits >> 32) < threshold ? T(scale) : T(0);
      }
    });
  }
  return x * mask;
}

namespace ops {
std::vector<OpSchema> functional_op_schemas() {
  auto with_dim = [](const char* name, Tensor (*fn)(const Tensor&, int64_t)) {
    return OpSchema{name, 1, {"dim"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get<int64_t>("dim"))};
                    }};
  };
  return {
      with_dim("softmax", softmax),
      with_dim("log_softmax", log_softmax),
      OpSchema{"dropout",
               1,
               {"p", "training"},
               [](const TensorList& in, const Attrs& a) {
                 return TensorList{
                     dropout(in[0], a.get_or<double>("p", 0.5), a.get_or<bool>("training", true))};
               }},
  };
}
}  // namespace ops

}  // namespace xgrad
