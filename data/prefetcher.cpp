#include <xgrad/data/detail/prefetcher.hpp>

#include <fmt/format.h>

#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>

namespace xgrad::data {

Prefetcher::Prefetcher(int64_t count, std::function<Batch(int64_t)> load)
    : count_(count), load_(std::move(load)), thread_([this] { run(); }) {}

Prefetcher::~Prefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Prefetcher::run() {
  NoGradGuard no_grad;  // grad mode is per thread; batches are never part of a graph
  for (int64_t b = 0; b < count_; ++b) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || !ready_.has_value(); });
      if (stop_) return;
    }
    try {
      Batch batch = load_(b);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_ = std::move(batch);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
    }
    cv_.notify_all();
    if (error_) return;  // only this thread writes error_
  }
}

Batch Prefetcher::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (taken_ >= count_) {
    throw ValueError(fmt::format("Prefetcher::next: all {} batches were already taken", count_));
  }
  cv_.wait(lock, [&] { return ready_.has_value() || error_ != nullptr; });
  if (ready_) {
    Batch batch = std::move(*ready_);
    ready_.reset();
    ++taken_;
    lock.unlock();
    cv_.notify_all();
    return batch;
  }
  std::rethrow_exception(error_);
}

}  // namespace xgrad::data
