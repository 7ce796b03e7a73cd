#include <xgrad/dist/detail/reducer.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <map>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/engine.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/dist/detail/backend.hpp>
#include <xgrad/dist/detail/call_check.hpp>
#include <xgrad/dist/world.hpp>

namespace xgrad::dist::detail {
namespace {

void* data_of(const Tensor& t) {
  return visit_dtype(t.dtype(), [&](auto z) -> void* { return raw_data<decltype(z)>(t); });
}

int64_t bytes_of(const Tensor& t) {
  return t.numel() * static_cast<int64_t>(dtype_size(t.dtype()));
}

}  // namespace

std::vector<std::vector<size_t>> assign_buckets(const std::vector<Tensor>& params,
                                                int64_t bucket_bytes, int64_t first_bucket_bytes) {
  // As PyTorch: walk the parameters backwards, one open bucket per dtype; a bucket closes when
  // the next gradient would take it past its cap (a bucket always takes at least one). The
  // first bucket is smaller so that communication starts early in backward.
  std::vector<std::vector<size_t>> closed;
  std::map<DType, std::pair<std::vector<size_t>, int64_t>> open;  // members, bytes
  for (size_t k = params.size(); k-- > 0;) {
    auto& [members, bytes] = open[params[k].dtype()];
    const int64_t cap = closed.empty() ? first_bucket_bytes : bucket_bytes;
    if (!members.empty() && bytes + bytes_of(params[k]) > cap) {
      closed.push_back(std::move(members));
      members.clear();
      bytes = 0;
    }
    members.push_back(k);
    bytes += bytes_of(params[k]);
  }
  for (auto& [dtype, entry] : open) {
    if (!entry.first.empty()) closed.push_back(std::move(entry.first));
  }
  return closed;
}

Reducer::Reducer(std::vector<Tensor> params, std::vector<std::string> names, ReducerOptions options)
    : params_(std::move(params)),
      names_(std::move(names)),
      options_(options),
      world_size_(world_size()) {
  const size_t n = params_.size();
  bucket_of_.assign(n, 0);
  position_of_.assign(n, 0);
  ready_.assign(n, 0);
  unused_.assign(n, 0);
  contributed_.assign(n, 0);
  for (auto& members :
       assign_buckets(params_, options_.bucket_bytes, options_.first_bucket_bytes)) {
    Bucket b;
    b.dtype = params_[members.front()].dtype();
    int64_t size = 0;
    for (size_t i = 0; i < members.size(); ++i) {
      bucket_of_[members[i]] = buckets_.size();
      position_of_[members[i]] = i;
      b.offsets.push_back(size);
      size += params_[members[i]].numel();
    }
    b.buffer = empty_tensor({size}, b.dtype);
    std::memset(data_of(b.buffer), 0, static_cast<size_t>(bytes_of(b.buffer)));
    for (size_t i = 0; i < members.size(); ++i) {
      const Shape& shape = params_[members[i]].shape();
      b.views.push_back(
          make_strided_view(b.buffer, shape, contiguous_strides(shape), b.offsets[i]));
    }
    b.members = std::move(members);
    buckets_.push_back(std::move(b));
  }
  // As PyTorch at construction: a gradient the parameters already hold moves into its view.
  for (size_t i = 0; i < n; ++i)
    if (params_[i].grad().defined()) adopt_gradient(i, false);
  for (size_t i = 0; i < n; ++i) {
    hook_handles_.push_back(params_[i].register_post_accumulate_grad_hook(
        [this, i](const Tensor&) { on_gradient(i); }));
  }
}

Reducer::~Reducer() {
  for (size_t i = 0; i < params_.size(); ++i)
    params_[i].remove_post_accumulate_grad_hook(hook_handles_[i]);
  // Queued all-reduces hold their own handle on the bucket buffers: nothing to wait for here
  // (waiting could hang when another rank has failed).
}

std::vector<std::vector<std::string>> Reducer::bucket_names() const {
  std::vector<std::vector<std::string>> out;
  for (const auto& b : buckets_) {
    out.emplace_back();
    for (size_t i : b.members) out.back().push_back(names_[i]);
  }
  return out;
}

void Reducer::fail(const std::string& message) {
  broken_ = message;
  throw AutogradError(message);
}

void Reducer::prepare(const std::unordered_set<const TensorImpl*>* reached) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!broken_.empty()) {
    throw AutogradError(fmt::format(
        "DistributedDataParallel: an earlier step failed ({}); the ranks are no longer in step, "
        "so this model cannot be synchronised any more",
        broken_));
  }
  if (started_) {
    fail(
        "DistributedDataParallel: forward called while the previous backward's gradient "
        "reduction is unfinished (that backward failed); every rank must end");
  }
  armed_ = true;
  for (size_t i = 0; i < params_.size(); ++i)
    unused_[i] = reached && !reached->count(params_[i].impl());
}

void Reducer::on_gradient(size_t index) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!armed_) return;  // no_sync, or a backward not through this wrapper's forward
    if (!started_) begin_step_locked();
    if (ready_[index]) {
      fail(fmt::format(
          "DistributedDataParallel: parameter '{}' got its gradient twice in one step; with "
          "find_unused_parameters a parameter must be used in forward (not only in the loss "
          "after it), and each forward may have only one backward",
          names_[index]));
    }
  }
  mark_ready(index);
}

const Tensor& Reducer::view_of(size_t index) const {
  return buckets_[bucket_of_[index]].views[position_of_[index]];
}

bool Reducer::adopt_gradient(size_t index, bool zero_if_none) {
  const Tensor& view = view_of(index);
  const Tensor g = params_[index].grad();
  if (g.defined() && g.impl()->storage == view.impl()->storage &&
      g.storage_offset() == view.storage_offset() && g.is_contiguous()) {
    return true;  // already the view: backward accumulated in place
  }
  if (!g.defined() && !zero_if_none) return false;
  // The parameters' hooks run on several threads at once; each writes its own part of the
  // bucket and sets its own .grad (under the parameter's lock), so no lock is needed here.
  void* dst = data_of(view);
  const auto bytes = static_cast<size_t>(bytes_of(view));
  if (!g.defined()) {
    std::memset(dst, 0, bytes);
    return false;
  }
  if (g.is_contiguous()) {
    std::memmove(dst, data_of(g), bytes);  // memmove: a .grad set to another part of a bucket
  } else {
    std::memcpy(dst, data_of(g.contiguous()), bytes);
  }
  params_[index].set_grad(view);
  return true;
}

void Reducer::begin_step_locked() {
  started_ = true;
  std::fill(ready_.begin(), ready_.end(), 0);
  for (auto& b : buckets_) b.pending = static_cast<int>(b.members.size());
  next_bucket_ = 0;
  queue_backward_callback([this] { finish_step(); });
  // Parameters forward did not reach get no hook call: they count as ready now, with whatever
  // gradient they hold (from no_sync steps) or zeros. One with no gradient keeps none for now
  // (finish_step gives it the view only if another rank had one).
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!unused_[i]) continue;
    ready_[i] = 1;
    contributed_[i] = adopt_gradient(i, /*zero_if_none=*/true);
    --buckets_[bucket_of_[i]].pending;
  }
  launch_ready_buckets_locked();
}

void Reducer::mark_ready(size_t index) {
  // Outside the lock: a copy (if any) goes to this parameter's own part of the bucket.
  adopt_gradient(index, /*zero_if_none=*/false);
  Bucket& b = buckets_[bucket_of_[index]];
  std::lock_guard<std::mutex> lock(mutex_);
  ready_[index] = 1;
  contributed_[index] = 1;
  --b.pending;
  launch_ready_buckets_locked();
}

void Reducer::launch_ready_buckets_locked() {
  const int size = world_size_;
  while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].pending == 0) {
    Bucket& b = buckets_[next_bucket_];
    ++next_bucket_;
    if (size == 1) continue;  // the mean over one rank is the gradient itself
    const CallSignature call{CallKind::GradBucket, static_cast<int64_t>(next_bucket_ - 1), b.dtype,
                             b.buffer.shape(), sync_step_};
    b.ticket = submit([buffer = b.buffer, call, size] {
      check_same_call("DistributedDataParallel", call);
      const int64_t n = buffer.numel();
      backend_all_reduce(data_of(buffer), n, buffer.dtype(), ReduceOp::Sum);
      // The mean: divided after the sum, as all_reduce(t, "mean") does.
      visit_floating(buffer.dtype(), "DistributedDataParallel", [&](auto z) {
        using T = decltype(z);
        T* p = raw_data<T>(buffer);
        for (int64_t i = 0; i < n; ++i) p[i] /= static_cast<T>(size);
      });
    });
  }
}

void Reducer::finish_step() {
  // Runs at the end of backward, on the thread that called it: every hook has run.
  std::vector<std::string> missing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < params_.size(); ++i)
      if (!ready_[i]) missing.push_back(names_[i]);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
    if (missing.size() > 10) list += fmt::format(" and {} more", missing.size() - 10);
    fail(fmt::format(
        "DistributedDataParallel: {} parameter(s) received no gradient in this backward: {}. "
        "Every rank must reduce every bucket; if some parameters are legitimately unused in "
        "forward, pass DDPOptions().find_unused_parameters(true) (or remove them from the "
        "model)",
        missing.size(), list));
  }
  const auto t0 = std::chrono::steady_clock::now();
  try {
    for (auto& b : buckets_) {
      if (b.ticket.valid()) b.ticket.get();
      b.ticket = Ticket();
    }
  } catch (const std::exception& e) {
    fail(e.what());
  }
  std::vector<int64_t> used = contributed_;
  if (options_.find_unused_parameters && world_size_ > 1) {
    // A parameter no rank has a gradient for keeps an undefined gradient, as in PyTorch.
    Tensor flags = empty_tensor({static_cast<int64_t>(used.size())}, DType::Int64);
    std::copy(used.begin(), used.end(), raw_data<int64_t>(flags));
    run([&] {
      check_same_call("DistributedDataParallel",
                      CallSignature{CallKind::AllReduce, 0, DType::Int64, flags.shape(), 0});
      backend_all_reduce(raw_data<int64_t>(flags), flags.numel(), DType::Int64, ReduceOp::Max);
    });
    std::copy_n(raw_data<int64_t>(flags), used.size(), used.begin());
  }
  last_wait_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The means are already in the views. A parameter this rank had no gradient for, but another
  // rank had, gets its view now; one no rank had keeps an undefined gradient (PyTorch's rule).
  for (size_t i = 0; i < params_.size(); ++i)
    if (used[i] && !contributed_[i]) params_[i].set_grad(view_of(i));
  if (world_size_ > 1) {
    for (const auto& b : buckets_) b.buffer.bump_version();  // its views share the counter
  }
  std::lock_guard<std::mutex> lock(mutex_);
  armed_ = false;
  started_ = false;
  ++sync_step_;
}

}  // namespace xgrad::dist::detail
