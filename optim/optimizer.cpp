// The optimizer driver: groups, lazily created state, the step loop, zero_grad.
#include <xgrad/optim/optimizer.hpp>

#include <fmt/format.h>

#include <unordered_set>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/shape.hpp>

namespace xgrad::optim {

// ---- option fields -----------------------------------------------------------------------------

namespace detail {
void read_field(const OptionValue& v, const std::string& key, double& out) {
  out = v.as_double(key);
}
void read_field(const OptionValue& v, const std::string& key, int64_t& out) {
  out = v.as_int(key);
}
void read_field(const OptionValue& v, const std::string& key, bool& out) {
  out = v.as_bool(key);
}
void read_field(const OptionValue& v, const std::string& key, std::string& out) {
  out = v.as_string(key);
}
void read_field(const OptionValue& v, const std::string& key, Betas& out) {
  out = v.as_pair(key);
}
void read_field(const OptionValue& v, const std::string& key, std::vector<double>& out) {
  out = v.as_list(key);
}
void read_field(const OptionValue& v, const std::string& key, std::vector<int64_t>& out) {
  out = v.as_int_list(key);
}
void rethrow_option_error(const std::string& who, const std::string& what,
                          const std::vector<std::string>& valid) {
  throw ValueError(fmt::format("{}: {}; valid options: {}", who, what, fmt::join(valid, ", ")));
}
}  // namespace detail

void check_option(bool ok, const char* who, const char* field, double value, const char* rule) {
  if (!ok) {
    throw ValueError(fmt::format("{}: invalid {} {}: it must be {}", who, field,
                                 OptionValue(value).to_string(), rule));
  }
}

// ---- ParamGroup ---------------------------------------------------------------------------------

ParamGroup::ParamGroup(const ParamGroup& other)
    : params_(other.params_),
      overrides_(other.overrides_),
      options_(other.options_ ? other.options_->clone() : nullptr) {}

ParamGroup& ParamGroup::operator=(const ParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    overrides_ = other.overrides_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& ParamGroup::options() {
  if (!options_) {
    throw ValueError(
        "ParamGroup::options: this group has no options yet; they are set when "
        "the group is added to an optimizer");
  }
  return *options_;
}
const OptimizerOptions& ParamGroup::options() const {
  return const_cast<ParamGroup*>(this)->options();
}

// ---- Optimizer ----------------------------------------------------------------------------------

void Optimizer::update(const Tensor&, const Tensor&, ParamState&, const OptimizerOptions&) {
  throw Error(name() + "::step: this optimizer has no per-parameter update rule");
}

void Optimizer::add_param_group(ParamGroup group) {
  const std::string who = name() + "::add_param_group";
  if (group.params().empty()) throw ValueError(who + ": the group has no parameters");
  std::unordered_set<const TensorImpl*> seen;
  for (const auto& g : groups_) {
    for (const auto& p : g.params()) seen.insert(p.impl());
  }
  for (std::size_t i = 0; i < group.params().size(); ++i) {
    const Tensor& p = group.params()[i];
    if (!p.defined()) throw ValueError(fmt::format("{}: parameter {} is undefined", who, i));
    if (p.dtype() != DType::Float32 && p.dtype() != DType::Float64) {
      throw DTypeError(
          fmt::format("{}: parameter {} has dtype {}; only float32 and float64 "
                      "tensors can be optimized",
                      who, i, dtype_name(p.dtype())));
    }
    if (!p.is_leaf()) {
      throw ValueError(fmt::format(
          "{}: parameter {} (shape {}) is not a leaf: it was computed by an op; optimize the "
          "tensors you created (or their detach())",
          who, i, shape_str(p.shape())));
    }
    if (!seen.insert(p.impl()).second) {
      throw ValueError(
          fmt::format("{}: parameter {} (shape {}) appears twice (in this group or an earlier one)",
                      who, i, shape_str(p.shape())));
    }
  }
  // Full options win; otherwise the defaults with the group's overrides.
  if (!group.has_options()) {
    auto options = defaults_->clone();
    options->apply(group.overrides());
    group.set_options(std::move(options));
  }
  validate_options(group.options());
  groups_.push_back(std::move(group));
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> all;
  for (const auto& g : groups_) all.insert(all.end(), g.params().begin(), g.params().end());
  return all;
}

ParamState* Optimizer::state(const Tensor& param) {
  auto it = state_.find(param.impl());
  return it == state_.end() ? nullptr : &it->second;
}
const ParamState* Optimizer::state(const Tensor& param) const {
  auto it = state_.find(param.impl());
  return it == state_.end() ? nullptr : &it->second;
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& g : groups_) {
    for (auto& p : g.params()) {
      if (p.grad().defined()) p.zero_grad(set_to_none);
    }
  }
}

void Optimizer::check_grads() const {
  int64_t index = 0;
  for (const auto& g : groups_) {
    for (const auto& p : g.params()) {
      Tensor grad = p.grad();
      if (grad.defined() && (grad.dtype() != p.dtype() || grad.shape() != p.shape())) {
        const std::string msg = fmt::format(
            "{}::step: parameter {} is {} {} but its gradient is {} {}; a gradient must match "
            "its parameter (set by hand, or kept while the parameter was converted?)",
            name(), index, dtype_name(p.dtype()), shape_str(p.shape()), dtype_name(grad.dtype()),
            shape_str(grad.shape()));
        if (grad.dtype() != p.dtype()) throw DTypeError(msg);
        throw ShapeError(msg);
      }
      ++index;
    }
  }
}

void Optimizer::check_state() const {
  int64_t index = 0;
  for (const auto& g : groups_) {
    for (const auto& p : g.params()) {
      const ParamState* s = state(p);
      if (!s || !p.grad().defined()) {  // parameters without gradient are not updated
        ++index;
        continue;
      }
      // At the limit, ++step would stop counting exactly (and at INT64_MAX overflow: UB).
      if (s->step >= ParamState::kMaxStep) {
        throw ValueError(fmt::format(
            "{}::step: parameter {} has taken {} steps, the most a step count may hold (2^53, "
            "where a double stops counting exactly); a corrupt or hand-edited state?",
            name(), index, s->step));
      }
      for (const auto& [buffer_name, buffer] : s->buffers) {
        // A parameter converted in place (Module::to(kFloat64)) keeps the impl, so its state
        // survives with the old dtype; updating would mix the two. Refuse before any change.
        if (buffer.dtype() != state_dtype(p)) {
          throw DTypeError(fmt::format(
              "{}::step: parameter {} is {} but its state buffer '{}' is {}: the parameter's "
              "dtype changed after the optimizer state was created (e.g. by Module::to); "
              "re-create the optimizer, or call opt.load_state_dict(opt.state_dict()) after "
              "changing the model's dtype to convert the state",
              name(), index, dtype_name(p.dtype()), buffer_name, dtype_name(buffer.dtype())));
        }
      }
      ++index;
    }
  }
}

Tensor Optimizer::step(const LossClosure& closure) {
  Tensor loss;
  if (closure) {
    EnableGradGuard enable_grad;
    loss = closure();
  }
  NoGradGuard no_grad;
  // Everything is checked before any parameter changes: gradients and existing state.
  check_grads();
  check_state();
  for (auto& g : groups_) {
    for (auto& p : g.params()) {
      Tensor grad = p.grad();
      if (!grad.defined()) continue;  // parameters without gradient are left alone
      ParamState& s = state_[p.impl()];
      ++s.step;
      update(p, grad, s, g.options());
      // The rule wrote the data directly: mark it changed so stale saved tensors are detected.
      p.bump_version();
    }
  }
  return loss;
}

}  // namespace xgrad::optim
