#include <xgrad/ops/registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <mutex>

#include <xgrad/core/error.hpp>
#include <xgrad/ops/detail/builtin.hpp>

namespace xgrad::ops {
namespace {

void check_schema(const OpSchema& schema) {
  if (schema.name.empty()) throw ValueError("register_op: the op needs a name");
  if (!schema.call) throw ValueError(fmt::format("register_op: op '{}' has no call", schema.name));
}

}  // namespace

// Built-in ops are registered on first use rather than by static initialisers, which a
// static library's linker may drop.
Registry<OpSchema>& op_registry() {
  static Registry<OpSchema> registry("op");
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto& schema : builtin_op_schemas()) {
      check_schema(schema);
      std::string name = schema.name;
      registry.add(name, std::move(schema));
    }
  });
  return registry;
}

bool register_op(OpSchema schema) {
  check_schema(schema);
  auto& registry = op_registry();
  if (registry.contains(schema.name)) {
    throw ValueError(fmt::format(
        "register_op: an op named '{}' is already registered; pick another name", schema.name));
  }
  std::string name = schema.name;
  return registry.add(name, std::move(schema));
}

const OpSchema& schema(const std::string& name) {
  const auto& registry = op_registry();
  const OpSchema* op = registry.find(name);
  if (!op) {
    throw ValueError(fmt::format("ops::call: no op named '{}'; registered ops: {}", name,
                                 fmt::join(registry.names(), ", ")));
  }
  return *op;  // entries are never removed, so the reference stays valid
}

bool has(const std::string& name) {
  return op_registry().contains(name);
}

std::vector<std::string> list() {
  return op_registry().names();
}

TensorList call(const std::string& name, const TensorList& inputs, const Attrs& attrs) {
  const OpSchema& op = schema(name);
  if (op.arity != OpSchema::kVariadic && static_cast<int>(inputs.size()) != op.arity) {
    throw ValueError(fmt::format("ops::call: '{}' takes {} tensor input{}, got {}", name, op.arity,
                                 op.arity == 1 ? "" : "s", inputs.size()));
  }
  for (const auto& [key, value] : attrs.entries()) {
    if (std::find(op.attrs.begin(), op.attrs.end(), key) == op.attrs.end()) {
      throw ValueError(
          fmt::format("ops::call: '{}' has no attribute '{}'; it takes: {}", name, key,
                      op.attrs.empty() ? "none" : fmt::format("{}", fmt::join(op.attrs, ", "))));
    }
  }
  return op.call(inputs, attrs);
}

}  // namespace xgrad::ops
