#pragma once
// The op registry: every op by name. Built-in ops and user ops go through the same door.
//
//   auto y = xgrad::ops::call("leaky_relu", {x}, {{"negative_slope", 0.2}})[0];
//   for (const auto& name : xgrad::ops::list()) std::cout << name << "\n";
//
// A user op (a Function<T> struct, see core/function.hpp) whose forward takes only tensors is
// registered with one line at namespace scope:
//
//   XGRAD_REGISTER_OP(Swish);
//
// and one with other arguments registers a schema whose `call` reads them from the attrs.
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include <xgrad/core/attrs.hpp>
#include <xgrad/core/registry.hpp>
#include <xgrad/core/tensor.hpp>

namespace xgrad::ops {

/// What the registry knows of an op.
struct OpSchema {
  std::string name;
  /// Number of tensor inputs; kVariadic for ops taking a list (concat, stack).
  int arity = 1;
  /// Names of the attributes `call` reads, for error messages and documentation.
  std::vector<std::string> attrs;
  /// Runs the op (recording it in the graph when needed) on `inputs` with `attrs`.
  std::function<TensorList(const TensorList& inputs, const Attrs& attrs)> call;
  static constexpr int kVariadic = -1;
};

/// The op table (core/registry.hpp), built-ins included; what XGRAD_REGISTER_OP adds to.
///   Example: op_registry().names()
Registry<OpSchema>& op_registry();
/// Adds an op; ValueError when the name is taken, empty, or `call` is missing.  Returns true
/// (for registration at namespace scope).
bool register_op(OpSchema schema);
/// Runs op `name`; ValueError for an unknown name (listing the known ones), a wrong number of
/// inputs, or an attribute the op does not take.
TensorList call(const std::string& name, const TensorList& inputs, const Attrs& attrs = {});
/// The schema of op `name` (ValueError when unknown).
const OpSchema& schema(const std::string& name);
/// Every registered name, sorted.
std::vector<std::string> list();
bool has(const std::string& name);

namespace detail {
template <class T>
struct ForwardArity;
template <class R, class Ctx, class... Args>
struct ForwardArity<R (*)(Ctx, Args...)> {
  static constexpr int value = sizeof...(Args);
  static constexpr bool all_tensors = (std::is_same_v<std::decay_t<Args>, Tensor> && ...);
};
template <class T, size_t... I>
TensorList call_tensors(const TensorList& in, std::index_sequence<I...>) {
  auto out = T::apply(in[I]...);
  if constexpr (std::is_same_v<decltype(out), Tensor>) {
    return {out};
  } else {
    return out;
  }
}

/// The schema of a Function<T> whose forward takes only tensors.
template <class T>
OpSchema schema_of() {
  using Traits = ForwardArity<decltype(&T::forward)>;
  static_assert(Traits::all_tensors,
                "XGRAD_REGISTER_OP needs a forward taking only tensors; register an OpSchema "
                "whose call reads the other arguments from the attrs instead");
  OpSchema s;
  s.name = T::name;
  s.arity = Traits::value;
  s.call = [](const TensorList& in, const Attrs&) {
    return call_tensors<T>(in, std::make_index_sequence<Traits::value>{});
  };
  return s;
}

/// Registers a schema when constructed (kept for code written before XGRAD_REGISTER_OP).
struct Registrar {
  explicit Registrar(OpSchema schema) { register_op(std::move(schema)); }
};
}  // namespace detail

}  // namespace xgrad::ops

/// Registers a Function<T> op under T::name, at namespace scope, once per program.
///   Example: XGRAD_REGISTER_OP(Swish);
#define XGRAD_REGISTER_OP(T) \
  XGRAD_REGISTER(::xgrad::ops::op_registry(), T::name, ::xgrad::ops::detail::schema_of<T>())
