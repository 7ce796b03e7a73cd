#pragma once
// The gradient reducer behind DistributedDataParallel, internal. Parameters are packed into
// buckets (flat buffers of one dtype, in reverse registration order: backward produces the last
// layers' gradients first). Each parameter's .grad is a view into its bucket (PyTorch's
// gradient_as_bucket_view): backward accumulates into it in place and the all-reduce leaves the
// mean there, so no gradient is copied into a bucket or back. Only a .grad that is not the view
// (zero_grad() set it to none, so backward stored a fresh tensor) is copied in once, and .grad is
// re-pointed to the view. A post-accumulate hook on each parameter marks it ready; when a
// bucket's last gradient is in, its all-reduce is queued on the communication thread while
// backward goes on. Buckets are launched strictly in index order, so every rank issues the same
// collectives in the same order whatever order its threads finish in. A callback at the end of
// backward waits for the buckets.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include <xgrad/core/tensor.hpp>
#include <xgrad/dist/detail/comm_thread.hpp>

namespace xgrad::dist::detail {

struct ReducerOptions {
  int64_t bucket_bytes = 25 << 20;
  int64_t first_bucket_bytes = 1 << 20;
  bool find_unused_parameters = false;
};

/// Which parameters go together: indices into `params`, bucket by bucket, in launch order.
std::vector<std::vector<size_t>> assign_buckets(const std::vector<Tensor>& params,
                                                int64_t bucket_bytes, int64_t first_bucket_bytes);

class Reducer {
 public:
  Reducer(std::vector<Tensor> params, std::vector<std::string> names, ReducerOptions options);
  ~Reducer();
  Reducer(const Reducer&) = delete;
  Reducer& operator=(const Reducer&) = delete;

  /// Called by forward when the next backward must synchronise. `reached` holds the leaves the
  /// output depends on (only used with find_unused_parameters).
  void prepare(const std::unordered_set<const TensorImpl*>* reached);
  /// Parameter names per bucket, in launch order.
  std::vector<std::vector<std::string>> bucket_names() const;
  /// Seconds the last synchronised backward spent at its end waiting for all-reduces.
  double last_wait_seconds() const { return last_wait_seconds_; }
  int64_t sync_steps() const { return sync_step_; }

 private:
  struct Bucket {
    DType dtype;
    Tensor buffer;                // flat, the bucket's gradients side by side
    std::vector<size_t> members;  // parameter indices
    std::vector<Tensor> views;    // per member: its part of buffer, shaped as the parameter
    std::vector<int64_t> offsets;
    int pending = 0;  // gradients still to come this step
    Ticket ticket;
  };

  void on_gradient(size_t index);
  /// The bucket view of parameter `index`.
  const Tensor& view_of(size_t index) const;
  /// Makes parameter `index`'s .grad its bucket view, copying a .grad that is not into it
  /// (zeros when it has none and `zero_if_none`). Returns whether it had a gradient.
  bool adopt_gradient(size_t index, bool zero_if_none);
  void begin_step_locked();
  void mark_ready(size_t index);
  void launch_ready_buckets_locked();
  void finish_step();
  [[noreturn]] void fail(const std::string& message);

  std::vector<Tensor> params_;
  std::vector<std::string> names_;
  std::vector<uint64_t> hook_handles_;
  ReducerOptions options_;
  int world_size_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_, position_of_;  // per parameter

  std::mutex mutex_;
  bool armed_ = false;        // prepare() ran: the next backward synchronises
  bool started_ = false;      // a gradient of this step arrived; the end callback is queued
  std::string broken_;        // why this reducer can no longer be used ("" while it can)
  std::vector<char> ready_;   // per parameter, this step
  std::vector<char> unused_;  // per parameter: not reached by forward (find_unused_parameters)
  std::vector<int64_t> contributed_;  // per parameter: had a gradient when ready
  size_t next_bucket_ = 0;            // the next bucket to launch
  int64_t sync_step_ = 0;
  double last_wait_seconds_ = 0;
};

}  // namespace xgrad::dist::detail
