#include <xgrad/nn/module.hpp>

#include <fmt/format.h>

#include <ostream>

#include <xgrad/core/error.hpp>
#include <xgrad/core/function.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/tensor_impl.hpp>

namespace xgrad::nn {

Tensor Module::forward(const Tensor&) {
  throw ValueError(fmt::format(
      "{}: this module has no single-input forward(x) (C++ type {}: "
      "Module::forward(const Tensor&) is not overridden). If your module defines forward, check "
      "its signature: it must be exactly "
      "`Tensor forward(const Tensor& x) override` (a `Tensor forward(Tensor x)` taking the "
      "tensor by value, or any other parameter list, declares a different function that "
      "module(x) never calls; `override` makes the compiler say so). Modules with other "
      "inputs (a loss takes (input, target)) are called with those.",
      name(), xgrad::detail::demangled_type_name(typeid(*this).name())));
}

std::shared_ptr<Module> Module::clone() const {
  throw ValueError(fmt::format(
      "{}::clone: this module (C++ type {}) cannot be cloned: it does not implement clone(). "
      "Derive it from nn::Cloneable<{}> and register its parameters, buffers and submodules in "
      "reset(), called by the constructor (libtorch's pattern), or override clone()",
      name(), xgrad::detail::demangled_type_name(typeid(*this).name()), name()));
}

void Module::clear_registrations() {
  parameters_.clear();
  buffers_.clear();
  children_.clear();
  hooks_ = std::make_shared<ModuleHooks>();
}

std::shared_ptr<Module> Module::cloned_into(std::shared_ptr<Module> fresh) const {
  fresh->hooks_ = std::make_shared<ModuleHooks>();
  fresh->copy_state_from(*this, name());
  return fresh;
}

namespace {
std::string names_of(const NamedTensors& list) {
  std::string out;
  for (const auto& e : list) out += (out.empty() ? "" : ", ") + e.first;
  return "[" + out + "]";
}
}  // namespace

// Tensors are copied by set_data into the fresh module's own handles, so the fresh module's
// members (weight, bias...) and its registry keep pointing at the same, now copied, tensors.
void Module::copy_state_from(const Module& source, const std::string& path) {
  auto mismatch = [&](const char* what, const std::string& mine, const std::string& theirs) {
    return ValueError(fmt::format(
        "{}::clone: the new copy has {} {} where the module has {} (at '{}'); a Cloneable "
        "module must register every parameter, buffer and submodule in reset(), the same way "
        "each time",
        source.name(), what, mine, theirs, path));
  };
  auto copy_list = [&](NamedTensors& mine, const NamedTensors& theirs, const char* what) {
    if (mine.size() != theirs.size()) throw mismatch(what, names_of(mine), names_of(theirs));
    for (size_t i = 0; i < mine.size(); ++i) {
      if (mine[i].first != theirs[i].first) throw mismatch(what, names_of(mine), names_of(theirs));
      const Tensor& src = theirs[i].second;
      Tensor& dst = mine[i].second;
      if (dst.shape() != src.shape()) {
        throw mismatch(what, mine[i].first + " of shape " + shape_str(dst.shape()),
                       "shape " + shape_str(src.shape()));
      }
      NoGradGuard no_grad;
      dst.set_data(src.detach().clone());
      dst.set_grad(Tensor());
      dst.requires_grad_(src.requires_grad());
    }
  };
  copy_list(parameters_, source.parameters_, "parameters");
  copy_list(buffers_, source.buffers_, "buffers");
  if (children_.size() != source.children_.size()) {
    auto names = [](const auto& list) {
      std::string out;
      for (const auto& e : list) out += (out.empty() ? "" : ", ") + e.first;
      return "[" + out + "]";
    };
    throw mismatch("submodules", names(children_), names(source.children_));
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (children_[i].first != source.children_[i].first) {
      throw mismatch("submodule", children_[i].first, source.children_[i].first);
    }
    if (children_[i].second == source.children_[i].second) {
      throw ValueError(fmt::format(
          "{}::clone: the new copy shares its submodule '{}' with the module; reset() must "
          "make new submodules (register_module(\"{}\", std::make_shared<...>(...)))",
          source.name(), children_[i].first, children_[i].first));
    }
    children_[i].second->hooks_ = std::make_shared<ModuleHooks>();
    children_[i].second->copy_state_from(*source.children_[i].second,
                                         path + "." + children_[i].first);
  }
  training_ = source.training_;
}

void Module::check_new_name(const std::string& name, const char* what) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw ValueError(
        fmt::format("{}: register_{}: name '{}' must be non-empty and contain no "
                    "'.' (dots separate the levels of nested names)",
                    this->name(), what, name));
  }
  auto taken = [&](const auto& list) {
    for (const auto& entry : list)
      if (entry.first == name) return true;
    return false;
  };
  if (taken(parameters_) || taken(buffers_) || taken(children_)) {
    throw ValueError(fmt::format("{}: register_{}: the name '{}' is already registered",
                                 this->name(), what, name));
  }
}

Tensor Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  check_new_name(name, "parameter");
  if (!tensor.defined())
    throw ValueError(
        fmt::format("{}: register_parameter('{}'): the tensor is undefined", this->name(), name));
  if (!is_floating(tensor.dtype())) {
    throw DTypeError(
        fmt::format("{}: register_parameter('{}'): a parameter must be float32 or "
                    "float64, got {}",
                    this->name(), name, dtype_name(tensor.dtype())));
  }
  if (!tensor.is_leaf()) {
    throw ValueError(
        fmt::format("{}: register_parameter('{}'): the tensor was produced by an op "
                    "(it has a grad_fn); pass a leaf, e.g. t.detach()",
                    this->name(), name));
  }
  tensor.requires_grad_(requires_grad);
  parameters_.emplace_back(name, tensor);
  return tensor;
}

Tensor Module::register_buffer(const std::string& name, Tensor tensor) {
  check_new_name(name, "buffer");
  if (!tensor.defined())
    throw ValueError(
        fmt::format("{}: register_buffer('{}'): the tensor is undefined", this->name(), name));
  buffers_.emplace_back(name, tensor);
  return tensor;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "module");
  if (!module)
    throw ValueError(
        fmt::format("{}: register_module('{}'): the module is null", this->name(), name));
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool recurse, bool want_parameters,
                     NamedTensors& out) const {
  for (const auto& [name, tensor] : want_parameters ? parameters_ : buffers_)
    out.emplace_back(prefix + name, tensor);
  if (!recurse) return;
  for (const auto& [name, child] : children_)
    child->collect(prefix + name + ".", true, want_parameters, out);
}

NamedTensors Module::named_parameters(bool recurse) const {
  NamedTensors out;
  collect("", recurse, true, out);
  return out;
}

NamedTensors Module::named_buffers(bool recurse) const {
  NamedTensors out;
  collect("", recurse, false, out);
  return out;
}

namespace {
std::vector<Tensor> values(const NamedTensors& named) {
  std::vector<Tensor> out;
  out.reserve(named.size());
  for (const auto& entry : named) out.push_back(entry.second);
  return out;
}
}  // namespace

std::vector<Tensor> Module::parameters(bool recurse) const {
  return values(named_parameters(recurse));
}
std::vector<Tensor> Module::buffers(bool recurse) const {
  return values(named_buffers(recurse));
}

NamedTensors Module::state_dict() const {
  NamedTensors out = named_parameters();
  for (auto& entry : named_buffers()) out.push_back(std::move(entry));
  return out;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out{{"", this}};
  for (const auto& [name, child] : children_)
    for (auto& [sub, module] : child->named_modules())
      out.emplace_back(sub.empty() ? name : name + "." + sub, module);
  return out;
}

void Module::apply(const std::function<void(Module&)>& fn) {
  for (auto& entry : named_modules()) fn(*entry.second);
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& entry : children_) out.push_back(entry.second);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (const auto& entry : children_) entry.second->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (const auto& p : parameters()) p.zero_grad(set_to_none);
}

void Module::to(DType dtype) {
  if (!is_floating(dtype))
    throw DTypeError(fmt::format("{}: to: modules hold floating tensors; cannot convert to {}",
                                 name(), dtype_name(dtype)));
  // Convert everything first, then swap the storages in, so that a failure changes nothing.
  std::vector<std::pair<Tensor, Tensor>> converted;
  for (const auto& t : state_dict()) {
    const Tensor& tensor = t.second;
    if (!is_floating(tensor.dtype()) || tensor.dtype() == dtype) continue;
    NoGradGuard no_grad;
    converted.emplace_back(tensor, tensor.detach().to(dtype));
  }
  for (auto& [tensor, fresh] : converted) {
    tensor.set_data(fresh);  // the handle (and so the module's parameter) stays the same
    tensor.set_grad(Tensor());
  }
}

int64_t Module::num_parameters(bool trainable_only) const {
  int64_t count = 0;
  for (const auto& p : parameters())
    if (!trainable_only || p.requires_grad()) count += p.numel();
  return count;
}

namespace {
/// 1234567 -> "1,234,567": parameter counts are read by eye.
std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}
}  // namespace

void Module::summarize(std::string& out, const std::string& label, int depth) const {
  // PyTorch's layout: "(name): Type(args)" per line, children indented inside "Type(" ... ")",
  // plus what PyTorch leaves out: each module's own parameter count and shapes.
  const std::string indent(2 * depth, ' ');
  out += indent + label + name() + "(" + extra_repr();
  if (children_.empty()) out += ")";
  if (!parameters_.empty()) {
    int64_t count = 0;
    std::string shapes;
    for (const auto& [pname, p] : parameters_) {
      count += p.numel();
      shapes += (shapes.empty() ? "" : ", ") + pname + " " + shape_str(p.shape());
    }
    out += fmt::format("  # {} params: {}", with_commas(count), shapes);
  }
  out += "\n";
  if (children_.empty()) return;
  for (const auto& [cname, child] : children_)
    child->summarize(out, "(" + cname + "): ", depth + 1);
  out += indent + ")\n";
}

std::string Module::summary() const {
  std::string out;
  summarize(out, "", 0);
  out += fmt::format("Parameters: {} ({} trainable)\n", with_commas(num_parameters()),
                     with_commas(num_parameters(true)));
  return out;
}

std::ostream& operator<<(std::ostream& os, const Module& module) {
  return os << module.summary();
}

}  // namespace xgrad::nn
