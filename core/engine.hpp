#pragma once
// The backward engine and the autograd entry points.
//
// One pass counts, for every node reachable from the outputs, how many gradients it will
// receive; each incoming edge gets its own slot. A node is ready when all its slots are
// filled; it then sums them in slot order (fixed by the graph, never by timing), runs its
// backward and fills the slots of the nodes it feeds. The order of summation is what makes
// gradients bitwise reproducible whatever runs first.
#include <functional>
#include <optional>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Gradients of `outputs` (weighted by `grad_outputs`, ones for scalars when empty) accumulated
/// into the .grad of every leaf that requires grad.
void backward(const TensorList& outputs, const TensorList& grad_outputs = {},
              bool retain_graph = false, bool create_graph = false);

/// Gradients of `outputs` with respect to `inputs`, returned instead of accumulated.
/// `retain_graph` defaults to `create_graph`. With `create_graph` the results are part of a new
/// graph and can be differentiated again. An input the outputs do not depend on is an error
/// unless `allow_unused` (then its gradient is undefined).
///   auto g = xgrad::grad({loss}, {w}, {}, true, true)[0];
TensorList grad(const TensorList& outputs, const TensorList& inputs,
                const TensorList& grad_outputs = {}, std::optional<bool> retain_graph = {},
                bool create_graph = false, bool allow_unused = false);

/// Queues `callback` to run when the backward pass running now has run every node: before
/// backward() (or grad()) returns, on the thread that called it, in the order queued; skipped
/// when the pass fails. For hooks that start work during backward which must be finished
/// before it returns (data-parallel training waits for its gradient all-reduces here).
/// AutogradError when called outside a running backward (from a hook or a node's apply).
///   w.register_post_accumulate_grad_hook([](const Tensor&) {
///     xgrad::queue_backward_callback([] { /* every gradient is in */ }); });
void queue_backward_callback(std::function<void()> callback);

}  // namespace xgrad
