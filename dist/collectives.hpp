#pragma once
// Collectives on tensors, in place, over every process of the job. Every rank must call the
// same collectives in the same order with tensors of the same dtype and shape; when they do
// not, every rank throws the same error (ValueError, DTypeError or ShapeError) listing what
// each rank called, rather than hanging or exchanging garbage. In a world of one they leave
// the data as it is. None is differentiable: they change the data, never the graph (a change
// bumps the tensor's version, so a backward that saved it refuses stale data).
//
//   xgrad::dist::all_reduce(grad, "mean");        // every rank: the mean of all ranks' grads
//   xgrad::dist::broadcast(weights, 0);           // every rank: rank 0's weights
//   auto all = xgrad::dist::all_gather(scores);   // [world_size(), ...scores.shape()]
//   double loss = xgrad::dist::all_reduce(local_loss, "mean");
#include <string>

#include <xgrad/core/tensor.hpp>

namespace xgrad::dist {

/// Replaces `t` on every rank by the element-wise "sum", "mean" or "max" over ranks. The
/// result is the same on every rank, and the same from run to run for one world size (the
/// MPI library's reduction order depends only on the sizes). "mean" needs a floating dtype.
///   xgrad::dist::all_reduce(t, "sum");
void all_reduce(const Tensor& t, const std::string& op = "sum");
/// The "sum", "mean" or "max" of a number over ranks (in double): for metrics.
///   double acc = xgrad::dist::all_reduce(correct / n, "mean");
double all_reduce(double value, const std::string& op = "sum");
/// Replaces `t` on every rank by rank `root`'s `t`.  Example: broadcast(w, 0)
void broadcast(const Tensor& t, int root = 0);
/// Every rank's `t`, stacked along a new first dimension in rank order: a new tensor of shape
/// [world_size(), ...t.shape()].  Example: auto all = all_gather(local_counts);
Tensor all_gather(const Tensor& t);
/// Returns when every rank has called it (e.g. after rank 0 wrote a file the others read).
void barrier();

}  // namespace xgrad::dist
