#pragma once
// Internal to optim/*.cpp: what update rules written as flat loops over raw data share.
// Rules run under no-grad on contiguous data (a tensor's storage is flat and holds exactly
// its elements), element by element, so a split over threads cannot change a result.
#include <string>
#include <type_traits>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/parallel.hpp>
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim::detail {

/// The buffer `name` of `state`, created on first use with param's shape and dtype, filled
/// with `value`: the only allocation an update rule makes.
inline const Tensor& state_buffer(ParamState& state, const std::string& name, const Tensor& like,
                                  double value = 0.0) {
  auto it = state.buffers.find(name);
  if (it == state.buffers.end()) {
    it = state.buffers.emplace(name, full(like.shape(), value, like.dtype())).first;
  }
  return it->second;
}

/// Data pointer of type T, or null for an undefined tensor (an optional buffer).
template <class T>
inline T* data_or_null(const Tensor& t) {
  return t.defined() ? raw_data<T>(t) : nullptr;
}

/// Runs body(i) for every element index of `n`, split over threads for large tensors.
template <class Body>
inline void for_each_index(int64_t n, Body&& body) {
  parallel_for(n, kTranscendentalGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) body(i);
  });
}

/// Calls f(std::bool_constant<b0>{}, std::bool_constant<b1>{}, ...) for the runtime flags
/// b0, b1, ...: one instantiation of f per combination, so that an update rule's option flags
/// (weight_decay != 0, maximize, amsgrad, ...) are compile-time inside its loop, which then
/// tests nothing per element and vectorises. k flags make 2^k loops: keep k small.
///   Example: with_flags([&](auto wd, auto max) {
///              chunk<T, decltype(wd)::value, decltype(max)::value>(...);
///            }, weight_decay != 0, maximize);
template <class F>
inline void with_flags(F&& f) {
  f();
}
template <class F, class... Rest>
inline void with_flags(F&& f, bool first, Rest... rest) {
  if (first) {
    with_flags([&](auto... tail) { f(std::true_type{}, tail...); }, rest...);
  } else {
    with_flags([&](auto... tail) { f(std::false_type{}, tail...); }, rest...);
  }
}

// How an update rule's loop is written so that it vectorises: a function over elements
// [begin, end) taking its arrays as `T* __restrict` parameters and its scalars BY VALUE (a
// local copy, which no store through the arrays can alias; taken by reference, every scalar
// is reloaded per element and GCC must version the loop with run-time overlap checks, which
// with five arrays it gives up on and runs the scalar loop).

/// The gradient an update rule works with: negated first when maximizing, then the L2 term
/// λθ added (g ← −g; g ← g + λθ), in this order as PyTorch 1.13.
template <bool kMaximize, bool kWeightDecay, class T>
inline T effective_grad(T g, T param, T weight_decay) {
  T d = kMaximize ? -g : g;
  if constexpr (kWeightDecay) d = d + weight_decay * param;
  return d;
}

}  // namespace xgrad::optim::detail
