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

void SGD::update_param(const Tensor& param, const Tensor& grad, ParamState& state,
                       const SGDOptions& o) {
  const bool first = !state.buffers.count("momentum_buffer");
  Tensor buf = o.momentum() != 0 ? detail::state_buffer(state, "momentum_buffer", param) : Tensor();
  visit_floating(param.dtype(), SGDOptions::kName, [&](auto zero) {
    using T = decltype(zero);
    T* p = raw_data<T>(param);
    const T* g = raw_data<T>(grad);
    T* b = detail::data_or_null<T>(buf);
    const T wd = T(o.weight_decay()), mu = T(o.momentum()), damp = T(1 - o.dampening());
    const T lr = T(o.lr());
    const bool nesterov = o.nesterov(), maximize = o.maximize();
    detail::for_each_index(param.numel(), [&](int64_t i) {
      T d = maximize ? -g[i] : g[i];  // negated first, before weight decay
      if (wd != 0) d = d + wd * p[i];
      if (b) {
        // The buffer starts as the first gradient itself (no dampening on step 1).
        b[i] = first ? d : mu * b[i] + damp * d;
        d = nesterov ? d + mu * b[i] : b[i];
      }
      p[i] = p[i] - lr * d;
    });
  });
}

}  // namespace xgrad::optim
