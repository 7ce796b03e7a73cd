// RMSprop's update rule (torch.optim.RMSprop, PyTorch 1.13).
#include <xgrad/optim/optimizers/rmsprop.hpp>

#include <cmath>

#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim {

void RMSprop::validate(const RMSpropOptions& o) {
  const char* who = RMSpropOptions::kName;
  check_option(o.lr() >= 0, who, "lr", o.lr(), ">= 0");
  check_option(o.alpha() >= 0 && o.alpha() <= 1, who, "alpha", o.alpha(), "in [0, 1]");
  check_option(o.eps() > 0, who, "eps", o.eps(), "> 0");
  check_option(o.weight_decay() >= 0, who, "weight_decay", o.weight_decay(), ">= 0");
  check_option(o.momentum() >= 0, who, "momentum", o.momentum(), ">= 0");
}

std::vector<std::string> RMSprop::state_buffers(const RMSpropOptions& o) {
  std::vector<std::string> names{"square_avg"};
  if (o.momentum() > 0) names.push_back("momentum_buffer");
  if (o.centered()) names.push_back("grad_avg");
  return names;
}

namespace {

template <class T>
struct RMSpropScalars {
  T alpha, one_minus_alpha, eps, weight_decay, momentum, lr;
};

/// RMSprop on elements [begin, end), PyTorch's operations in PyTorch's order; the flags are
/// compile-time, so the loop has no branch and vectorises. buf (momentum_buffer) and gavg
/// (grad_avg) are null when their flag is off.
template <class T, bool kWeightDecay, bool kMaximize, bool kCentered, bool kMomentum>
void rmsprop_chunk(T* __restrict p, T* __restrict sq, T* __restrict buf, T* __restrict gavg,
                   const T* __restrict g, const RMSpropScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.weight_decay);
    const T sqi = sq[i] * c.alpha + c.one_minus_alpha * gi * gi;
    sq[i] = sqi;
    T avg;
    if constexpr (kCentered) {
      const T ga = gavg[i] * c.alpha + c.one_minus_alpha * gi;
      gavg[i] = ga;
      avg = std::sqrt(sqi - ga * ga);  // variance estimate: E[g²] − E[g]²
    } else {
      avg = std::sqrt(sqi);
    }
    avg = avg + c.eps;
    if constexpr (kMomentum) {
      const T bi = buf[i] * c.momentum + gi / avg;
      buf[i] = bi;
      p[i] = p[i] - c.lr * bi;
    } else {
      p[i] = p[i] - c.lr * (gi / avg);
    }
  }
}

}  // namespace

void RMSprop::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                           const RMSpropOptions& o) {
  const bool momentum = o.momentum() > 0, centered = o.centered();
  const Tensor& sq_t = detail::state_buffer(state, "square_avg", param);
  Tensor buf_t = momentum ? detail::state_buffer(state, "momentum_buffer", param) : Tensor();
  Tensor gavg_t = centered ? detail::state_buffer(state, "grad_avg", param) : Tensor();
  visit_floating(param.dtype(), RMSpropOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T *p = raw_data<T>(param), *sq = raw_data<T>(sq_t);
    T* buf = detail::data_or_null<T>(buf_t);
    T* gavg = detail::data_or_null<T>(gavg_t);
    const T* g = raw_data<T>(grad);
    const RMSpropScalars<T> c{T(o.alpha()),        T(1 - o.alpha()), T(o.eps()),
                              T(o.weight_decay()), T(o.momentum()),  T(o.lr())};
    detail::with_flags(
        [&](auto wd, auto maximize, auto centred, auto mom) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            rmsprop_chunk<T, decltype(wd)::value, decltype(maximize)::value,
                          decltype(centred)::value, decltype(mom)::value>(p, sq, buf, gavg, g, c,
                                                                          begin, end);
          });
        },
        o.weight_decay() != 0, o.maximize(), centered, momentum);
  });
}

}  // namespace xgrad::optim
