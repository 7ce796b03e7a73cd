#pragma once
// DistributedDataParallel: the same model on every process, each with a part of every batch;
// after backward() every gradient is the mean over the processes, so one optimizer step gives
// the same parameters everywhere. PyTorch's semantics:
//  - construction broadcasts rank 0's parameters and buffers (the ranks start equal);
//  - gradients are packed into buckets (DDPOptions::bucket_cap_mb, 25 MB by default) in reverse
//    parameter order; each bucket's all-reduce starts as soon as its last gradient is
//    accumulated, while the rest of backward runs, and backward returns with all of them done;
//  - no_sync() skips the communication for gradient accumulation;
//  - a parameter that gets no gradient in a step is an error unless
//    DDPOptions::find_unused_parameters(true), which reduces zeros for it instead.
//
//   xgrad::dist::init(argc, argv);
//   xgrad::nn::MLP model({784, 256, 10});
//   xgrad::dist::DistributedDataParallel ddp(model);
//   auto loss = xgrad::cross_entropy(ddp(x), y);   // x: this rank's part of the batch
//   loss.backward();                                 // grads: the mean over ranks
//
// The wrapper holds a reference: the model must outlive it. Save and load the model itself
// (from rank 0), not the wrapper; the optimizer takes model.parameters() as usual.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xgrad/core/tensor.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::dist {

namespace detail {
class Reducer;
}

/// How DistributedDataParallel communicates; setters chain.
///   DDPOptions().bucket_cap_mb(4).find_unused_parameters(true)
struct DDPOptions {
  /// Size of a gradient bucket in MiB (> 0): larger means fewer, bigger all-reduces.
  DDPOptions& bucket_cap_mb(double mb) {
    bucket_cap_mb_ = mb;
    return *this;
  }
  /// Size of the first bucket (the last layers' gradients) in MiB (> 0), smaller so that
  /// communication starts early in backward (PyTorch uses 1 MiB).
  DDPOptions& first_bucket_mb(double mb) {
    first_bucket_mb_ = mb;
    return *this;
  }
  /// Finds, after each forward, the parameters the output does not depend on and reduces
  /// them as zeros (or their gradient from no_sync steps), instead of refusing the step. Walks
  /// the graph once per forward.
  DDPOptions& find_unused_parameters(bool on) {
    find_unused_parameters_ = on;
    return *this;
  }
  /// Broadcasts rank 0's buffers (BatchNorm's running statistics) at every forward in training.
  DDPOptions& broadcast_buffers(bool on) {
    broadcast_buffers_ = on;
    return *this;
  }

  double bucket_cap_mb_ = 25;
  double first_bucket_mb_ = 1;
  bool find_unused_parameters_ = false;
  bool broadcast_buffers_ = true;
};

class DistributedDataParallel {
 public:
  /// Broadcasts rank 0's parameters and buffers to every rank and hooks the parameters.
  /// ValueError for bad options or when the ranks' models differ in their number of tensors;
  /// ShapeError/DTypeError when a tensor differs (every rank throws the same).
  explicit DistributedDataParallel(nn::Module& module, DDPOptions options = {});
  ~DistributedDataParallel();
  DistributedDataParallel(const DistributedDataParallel&) = delete;
  DistributedDataParallel& operator=(const DistributedDataParallel&) = delete;

  /// The module's forward; the next backward from its output synchronises the gradients
  /// (unless inside no_sync() or under NoGradGuard).  Example: auto y = ddp(x);
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  nn::Module& module() { return module_; }

  /// While the returned guard lives, forward/backward accumulate gradients locally without
  /// communicating; the first backward after it reduces the accumulated sum.
  ///   { auto guard = ddp.no_sync(); loss(ddp(x1)).backward(); }  loss(ddp(x2)).backward();
  class NoSync {
   public:
    explicit NoSync(DistributedDataParallel& ddp) : ddp_(&ddp) { ddp_->sync_ = false; }
    ~NoSync() {
      if (ddp_) ddp_->sync_ = true;
    }
    NoSync(NoSync&& other) noexcept : ddp_(other.ddp_) { other.ddp_ = nullptr; }
    NoSync(const NoSync&) = delete;
    NoSync& operator=(const NoSync&) = delete;
    NoSync& operator=(NoSync&&) = delete;

   private:
    DistributedDataParallel* ddp_;
  };
  [[nodiscard]] NoSync no_sync() { return NoSync(*this); }

  /// The parameter names in each gradient bucket, in the order the buckets are reduced.
  std::vector<std::vector<std::string>> bucket_names() const;
  /// Seconds the last synchronising backward waited, at its end, for communication still in
  /// flight (what overlapping did not hide).
  double last_wait_seconds() const;
  /// Number of backward passes that synchronised so far.
  int64_t sync_steps() const;

 private:
  nn::Module& module_;
  DDPOptions options_;
  std::vector<Tensor> buffers_;
  std::unique_ptr<detail::Reducer> reducer_;
  bool sync_ = true;
};

}  // namespace xgrad::dist
