#pragma once
// Registry<Factory>: one name -> factory table, the pattern behind every "plug in by name"
// in xgrad (ops, optimizers, schedulers, regularizers, activations, tune's samplers, pruners
// and storages). A registry is a function-local static, so it exists before any static
// registration that uses it, whatever the order of translation units:
//
//   Registry<SamplerFactory>& sampler_registry() {
//     static Registry<SamplerFactory> registry("sampler");
//     return registry;
//   }
//   XGRAD_REGISTER(sampler_registry(), "random", make_random_sampler);  // namespace scope
//
// Lookups of an unknown name throw a ValueError listing the known names, so a typo in a
// configuration file says what would have worked. Thread-safe: registration and lookup may
// run on any thread (a tune study registers nothing while trials run, but users may).
#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include <xgrad/core/error.hpp>

namespace xgrad {

namespace detail {
/// "unknown <kind> 'name'; known: a, b, c" (also used for an empty registry).
[[noreturn]] void throw_unknown_name(const std::string& kind, const std::string& name,
                                     const std::vector<std::string>& known);
/// "<kind> 'name' is already registered" / "a <kind> name must not be empty".
[[noreturn]] void throw_bad_registration(const std::string& kind, const std::string& name,
                                         bool empty);
}  // namespace detail

template <class Factory>
class Registry {
 public:
  /// `kind` names the entries in messages ("optimizer", "sampler").
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  /// Adds `factory` under `name`; ValueError when the name is empty or taken. Returns true, so
  /// that a static bool can hold the result of a registration at namespace scope.
  bool add(const std::string& name, Factory factory) {
    std::unique_lock lock(mutex_);
    if (name.empty() || entries_.count(name)) {
      detail::throw_bad_registration(kind_, name, name.empty());
    }
    entries_.emplace(name, std::move(factory));
    return true;
  }

  /// The factory under `name`; ValueError listing the known names when there is none.
  /// The reference stays valid: entries are never removed.
  const Factory& get(const std::string& name) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) detail::throw_unknown_name(kind_, name, names_locked());
    return it->second;
  }

  /// The factory under `name`, or null when there is none: for front doors that word their
  /// own unknown-name error (still listing names()).  Example: if (auto* f = r.find(n)) ...
  const Factory* find(const std::string& name) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  bool contains(const std::string& name) const {
    std::shared_lock lock(mutex_);
    return entries_.count(name) != 0;
  }

  /// Every registered name, sorted.
  std::vector<std::string> names() const {
    std::shared_lock lock(mutex_);
    return names_locked();
  }

  const std::string& kind() const { return kind_; }

 private:
  std::vector<std::string> names_locked() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& entry : entries_) out.push_back(entry.first);  // std::map: already sorted
    return out;
  }

  std::string kind_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Factory> entries_;
};

}  // namespace xgrad

#define XGRAD_REGISTRY_CONCAT_INNER(a, b) a##b
#define XGRAD_REGISTRY_CONCAT(a, b) XGRAD_REGISTRY_CONCAT_INNER(a, b)
/// Registers `factory` under `name` in the registry `registry_expr` (a call returning a
/// Registry&), at namespace scope, once per program.
///   Example: XGRAD_REGISTER(xgrad::tune::sampler_registry(), "mine", make_my_sampler);
#define XGRAD_REGISTER(registry_expr, name, factory)                                         \
  [[maybe_unused]] static const bool XGRAD_REGISTRY_CONCAT(xgrad_registered_, __COUNTER__) = \
      (registry_expr).add(name, factory)
