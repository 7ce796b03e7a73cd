#include <xgrad/dist/detail/comm_thread.hpp>

namespace xgrad::dist::detail {

CommThread::CommThread(std::function<void()> start) {
  std::packaged_task<void()> first(std::move(start));
  Ticket started = first.get_future().share();
  queue_.push_back(std::move(first));
  thread_ = std::thread([this] { loop(); });
  try {
    started.get();
  } catch (...) {
    shutdown([] {});
    throw;
  }
}

CommThread::~CommThread() {
  if (thread_.joinable()) shutdown([] {});
}

void CommThread::shutdown(std::function<void()> stop) {
  Ticket last = submit(std::move(stop));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  last.get();
}

Ticket CommThread::submit(std::function<void()> job) {
  std::packaged_task<void()> task(std::move(job));
  Ticket ticket = task.get_future().share();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return ticket;
}

void CommThread::loop() {
  for (;;) {
    std::packaged_task<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and every job has run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();  // an error is stored in the ticket
  }
}

}  // namespace xgrad::dist::detail
