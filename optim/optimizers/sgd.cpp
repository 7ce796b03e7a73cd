// SGD's update rule (torch.optim.SGD, PyTorch 1.13).
#include <xgrad/optim/optimizers/sgd.hpp>

#include <fmt/format.h>

#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim {

SGDOptions SGDOptions::from_map(const OptionMap& options) {
  if (!options.count("lr")) {
    SGDOptions o(0);
    check_option_keys(options, o.option_names(), kName);
    throw ValueError("SGD: option 'lr' is required (SGD has no default learning rate)");
  }
  SGDOptions o(options.at("lr").as_double("lr"));
  o.apply(options);
  return o;
}

void SGD::validate(const SGDOptions& o) {
  check_option(o.lr() >= 0, SGDOptions::kName, "lr", o.lr(), ">= 0");
  check_option(o.momentum() >= 0, SGDOptions::kName, "momentum", o.momentum(), ">= 0");
  check_option(o.dampening() >= 0 && o.dampening() <= 1, SGDOptions::kName, "dampening",
               o.dampening(), "in [0, 1]");
  check_option(o.weight_decay() >= 0, SGDOptions::kName, "weight_decay", o.weight_decay(), ">= 0");
  if (o.nesterov() && (o.momentum() <= 0 || o.dampening() != 0)) {
    throw ValueError(fmt::format(
        "SGD: nesterov=true needs momentum > 0 and dampening = 0 (got momentum {}, dampening "
        "{})",
        o.momentum(), o.dampening()));
  }
}

std::vector<std::string> SGD::state_buffers(const SGDOptions& o) {
  if (o.momentum() != 0) return {"momentum_buffer"};
  return {};
}

namespace {

template <class T>
struct SGDScalars {
  T weight_decay, buffer_factor, grad_factor, momentum, lr;
};

/// SGD on elements [begin, end), PyTorch's operations in PyTorch's order; the flags are
/// compile-time, so the loop tests nothing per element and vectorises. buf (momentum_buffer)
/// is null without momentum. The buffer update is buf = buffer_factor buf + grad_factor d:
/// (momentum, 1 - dampening) after the first step, (0, 1) on it, where the buffer (just made,
/// zeros) becomes the gradient itself, as PyTorch's clone.
template <class T, bool kWeightDecay, bool kMaximize, bool kMomentum, bool kNesterov>
void sgd_chunk(T* __restrict p, T* __restrict buf, const T* __restrict g, const SGDScalars<T> c,
               int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    T d = detail::effective_grad<kMaximize, kWeightDecay>(g[i], p[i], c.weight_decay);
    if constexpr (kMomentum) {
      const T b = c.buffer_factor * buf[i] + c.grad_factor * d;
      buf[i] = b;
      d = kNesterov ? d + c.momentum * b : b;
    }
    p[i] = p[i] - c.lr * d;
  }
}

}  // namespace

void SGD::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                       const SGDOptions& o) {
  const bool momentum = o.momentum() != 0;
  const bool first = !state.buffers.count("momentum_buffer");
  Tensor buf_t = momentum ? detail::state_buffer(state, "momentum_buffer", param) : Tensor();
  visit_floating(param.dtype(), SGDOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T* p = raw_data<T>(param);
    const T* g = raw_data<T>(grad);
    T* buf = detail::data_or_null<T>(buf_t);
    const SGDScalars<T> c{T(o.weight_decay()), first ? T(0) : T(o.momentum()),
                          first ? T(1) : T(1 - o.dampening()), T(o.momentum()), T(o.lr())};
    detail::with_flags(
        [&](auto wd, auto maximize, auto mom, auto nesterov) {
          parallel_for(param.numel(), kTranscendentalGrain, [&](int64_t begin, int64_t end) {
            sgd_chunk<T, decltype(wd)::value, decltype(maximize)::value, decltype(mom)::value,
                      decltype(nesterov)::value>(p, buf, g, c, begin, end);
          });
        },
        o.weight_decay() != 0, o.maximize(), momentum, momentum && o.nesterov());
  });
}

}  // namespace xgrad::optim
