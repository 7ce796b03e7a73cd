#include "ops/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <mutex>

#include "core/error.hpp"
#include "ops/builtin.hpp"

namespace xgrad::ops {
namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, OpSchema> ops;  // sorted, so list() is too
};

void add_locked(Registry& r, OpSchema schema) {
  if (schema.name.empty()) throw ValueError("register_op: the op needs a name");
  if (!schema.call) throw ValueError(fmt::format("register_op: op '{}' has no call", schema.name));
  if (r.ops.count(schema.name)) {
    throw ValueError(
        fmt::format("register_op: an op named '{}' is already registered; pick "
                    "another name",
                    schema.name));
  }
  std::string name = schema.name;
  r.ops.emplace(std::move(name), std::move(schema));
}

// Built-in ops are registered on first use rather than by static initialisers, which a
// static library's linker may drop.
Registry& registry() {
  static Registry r;
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto& schema : builtin_op_schemas()) add_locked(r, std::move(schema));
  });
  return r;
}

std::vector<std::string> names_locked(const Registry& r) {
  std::vector<std::string> names;
  for (const auto& entry : r.ops) names.push_back(entry.first);
  return names;
}

const OpSchema& find_locked(const Registry& r, const std::string& name) {
  auto it = r.ops.find(name);
  if (it == r.ops.end()) {
    throw ValueError(fmt::format("ops::call: no op named '{}'; registered ops: {}", name,
                                 fmt::join(names_locked(r), ", ")));
  }
  return it->second;
}

}  // namespace

void register_op(OpSchema schema) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  add_locked(r, std::move(schema));
}

const OpSchema& schema(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return find_locked(r, name);  // entries are never removed, so the reference stays valid
}

bool has(const std::string& name) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.ops.count(name) > 0;
}

std::vector<std::string> list() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return names_locked(r);
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
