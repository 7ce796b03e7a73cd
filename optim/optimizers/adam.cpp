// Adam's update rule (torch.optim.Adam, PyTorch 1.13, single-tensor path).
#include <xgrad/optim/optimizers/adam.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <xgrad/optim/optimizers/adamw.hpp>

#include <xgrad/optim/detail/adam_family.hpp>

namespace xgrad::optim {

void detail::check_adam_like(const char* who, double lr, Betas betas, double eps,
                             double weight_decay) {
  check_option(lr >= 0, who, "lr", lr, ">= 0");
  check_option(betas.first >= 0 && betas.first < 1, who, "beta1 (betas[0])", betas.first,
               "in [0, 1)");
  check_option(betas.second >= 0 && betas.second < 1, who, "beta2 (betas[1])", betas.second,
               "in [0, 1)");
  check_option(eps > 0, who, "eps", eps, "> 0");
  check_option(weight_decay >= 0, who, "weight_decay", weight_decay, ">= 0");
}

std::vector<std::string> detail::adam_state_buffers(bool amsgrad) {
  if (amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void Adam::validate(const AdamOptions& o) {
  detail::check_adam_like(o);
}

std::vector<std::string> Adam::state_buffers(const AdamOptions& o) {
  return detail::adam_state_buffers(o.amsgrad());
}

void Adam::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                        const AdamOptions& o) {
  detail::adam_update(param, grad, state, o);
}

namespace {

template <class T>
struct AdamScalars {
  detail::MomentCoefs<T> moments;
  T wd, eps, step_size, bc2_sqrt;
};

/// Adam on elements [begin, end): the operations and their order are PyTorch's (so results
/// match its float64 reference bitwise-closely); the flags are compile-time. vmax
/// (max_exp_avg_sq) is null without AMSGrad.
template <class T, bool kWeightDecay, bool kAmsgrad, bool kMaximize>
void adam_chunk(T* __restrict p, T* __restrict m, T* __restrict v, T* __restrict vmax,
                const T* __restrict g, const AdamScalars<T> c, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    const T gi = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.wd);
    const detail::Moments<T> mv = detail::next_moments(m[i], v[i], gi, c.moments);
    m[i] = mv.m;
    v[i] = mv.v;
    T second = mv.v;
    if constexpr (kAmsgrad) second = vmax[i] = std::max(vmax[i], mv.v);
    const T denom = std::sqrt(second) / c.bc2_sqrt + c.eps;
    p[i] = p[i] - c.step_size * (mv.m / denom);
  }
}

}  // namespace

template <class Options>
void detail::adam_update(const Tensor& param, const Tensor& grad, ParamState& state,
                         const Options& o) {
  // AdamW decays the weights apart from the gradient (the point of AdamW); Adam adds λθ to it.
  constexpr bool kDecoupled = std::is_same_v<Options, AdamWOptions>;
  const double lr = o.lr();
  const double eps = o.eps();
  const double weight_decay = kDecoupled ? 0.0 : o.weight_decay();
  const bool amsgrad = o.amsgrad();
  const bool maximize = o.maximize();
  if constexpr (kDecoupled) {
    // θ ← θ(1 − γλ), a pass of its own before the moments, as PyTorch's AdamW.
    const double decay = 1 - lr * o.weight_decay();
    if (decay != 1) {
      visit_floating(param.dtype(), Options::kName, [&](auto zero) {
        using T = decltype(zero);
        T* p = raw_data<T>(param);
        const T d = T(decay);
        detail::for_each_index(param.numel(), [&](int64_t i) { p[i] = p[i] * d; });
      });
    }
  }
  const Tensor& m_t = state_buffer(state, "exp_avg", param);
  const Tensor& v_t = state_buffer(state, "exp_avg_sq", param);
  Tensor vmax_t = amsgrad ? state_buffer(state, "max_exp_avg_sq", param) : Tensor();
  const AdamStepScalars s = adam_step_scalars(o, state);
  const double step_size = lr / s.bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(s.bias_correction2);
  visit_floating(param.dtype(), Options::kName, [&](auto zero) {
    using T = decltype(zero);
    const AdamScalars<T> c{MomentCoefs<T>(s), T(weight_decay), T(eps), T(step_size),
                           T(bias_correction2_sqrt)};
    T *p = raw_data<T>(param), *m = raw_data<T>(m_t), *v = raw_data<T>(v_t);
    T* vmax = data_or_null<T>(vmax_t);
    const T* g = raw_data<T>(grad);
    // One loop per combination of the flags, so that none of them is tested per element and
    // the compiler vectorises each loop (sqrt and division included: -fno-math-errno).
    with_flags(
        [&](auto wd, auto ams, auto max) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            adam_chunk<T, decltype(wd)::value, decltype(ams)::value, decltype(max)::value>(
                p, m, v, vmax, g, c, begin, end);
          });
        },
        weight_decay != 0, amsgrad, maximize);
  });
}

template void detail::adam_update<AdamOptions>(const Tensor&, const Tensor&, ParamState&,
                                               const AdamOptions&);
template void detail::adam_update<AdamWOptions>(const Tensor&, const Tensor&, ParamState&,
                                                const AdamWOptions&);

}  // namespace xgrad::optim
