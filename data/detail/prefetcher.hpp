#pragma once
// Loads a numbered sequence of batches on one background thread, one batch ahead of the
// consumer. Used by DataLoader; exceptions thrown by the loading function travel to next().
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include <xgrad/data/dataset.hpp>

namespace xgrad::data {

class Prefetcher {
 public:
  /// Starts a thread calling load(0), load(1), ... load(count - 1), each only after the
  /// previous batch was taken by next().  Example: Prefetcher p(10, [&](int64_t b) { ... });
  Prefetcher(int64_t count, std::function<Batch(int64_t)> load);
  /// Stops the thread (after the load in progress, if any) and joins it.
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  /// The next batch, waiting for it if needed; rethrows what its load threw.
  /// ValueError after all `count` batches were taken.
  Batch next();

 private:
  void run();

  const int64_t count_;
  std::function<Batch(int64_t)> load_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Batch> ready_;  // the one batch loaded ahead
  std::exception_ptr error_;
  bool stop_ = false;
  int64_t taken_ = 0;
  std::thread thread_;  // last member: starts once the rest is constructed
};

}  // namespace xgrad::data
