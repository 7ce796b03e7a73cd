#include <xgrad/nn/container.hpp>

#include <fmt/format.h>

#include <xgrad/core/error.hpp>
#include <xgrad/nn/detail/fusion.hpp>

namespace xgrad::nn {

void ModuleList::append(std::shared_ptr<Module> module) {
  if (!module) throw ValueError(fmt::format("{}: push_back: the module is null", name()));
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

const std::shared_ptr<Module>& ModuleList::at(size_t index) const {
  if (index >= modules_.size())
    throw IndexError(
        fmt::format("{}: index {} is out of range for {} modules", name(), index, modules_.size()));
  return modules_[index];
}

void ModuleList::throw_wrong_type(size_t index) const {
  throw ValueError(fmt::format("{}: module {} is a {}, not the type asked for", name(), index,
                               modules_[index]->name()));
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  const size_t count = size();
  for (size_t i = 0; i < count; ++i) {
    if (i + 1 < count) {  // a Linear and a ReLU without hooks run as one fused op
      Tensor fused = detail::fused_linear_relu(*at(i), *at(i + 1), x);
      if (fused.defined()) {
        x = std::move(fused);
        ++i;
        continue;
      }
    }
    x = (*at(i))(x);  // through the hooks
  }
  return x;
}

// The modules are pushed in at runtime, so the copy is rebuilt from clones of them.
std::shared_ptr<Module> ModuleList::clone() const {
  auto copy = std::make_shared<ModuleList>();
  for (const auto& m : modules_) copy->push_back(m->clone());
  return cloned_into(copy);
}

std::shared_ptr<Module> Sequential::clone() const {
  auto copy = std::make_shared<Sequential>();
  for (const auto& m : *this) copy->push_back(m->clone());
  return cloned_into(copy);
}

}  // namespace xgrad::nn
