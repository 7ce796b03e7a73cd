#pragma once
// The communication thread, internal. Every MPI call of a process is made by this one thread,
// in the order the calls were submitted:
//  - the backward engine runs gradient hooks on oneTBB workers, any of which may find a
//    gradient bucket ready; they only queue its all-reduce here and go back to computing;
//  - MPI needs no more than MPI_THREAD_FUNNELED (this thread initialises it), and no lock
//    around MPI is needed anywhere;
//  - a blocking collective running here progresses while backward computes (Open MPI has no
//    progress thread of its own: a non-blocking collective started from a worker would only
//    advance when someone calls into MPI again);
//  - the order of collectives, which must be the same on every rank, is the submission order.
// The thread sleeps on a condition variable when there is nothing to send: it takes no core
// from the computation.
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

namespace xgrad::dist::detail {

/// A submitted job's completion: get() waits and rethrows the job's error.
using Ticket = std::shared_future<void>;

class CommThread {
 public:
  /// Starts the thread and runs `start` on it first (MPI_Init_thread); rethrows its error.
  explicit CommThread(std::function<void()> start);
  /// Runs `stop` after every queued job, then joins (finalize).
  void shutdown(std::function<void()> stop);
  ~CommThread();
  CommThread(const CommThread&) = delete;
  CommThread& operator=(const CommThread&) = delete;

  /// Queues `job` behind every job submitted before it.
  Ticket submit(std::function<void()> job);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

/// Submits `job` to the world's communication thread (or runs it at once in a world of one).
Ticket submit(std::function<void()> job);
/// Submits `job` and waits for it, rethrowing its error.
void run(std::function<void()> job);

}  // namespace xgrad::dist::detail
