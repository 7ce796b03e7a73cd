#include <xgrad/core/parallel.hpp>

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/task_group.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include <xgrad/core/detail/tsan.hpp>
#include <xgrad/core/error.hpp>

namespace xgrad {
namespace {

std::mutex control_mutex;
std::unique_ptr<tbb::global_control> control;

}  // namespace

/// Once per process: XGRAD_NUM_THREADS applied. (BLAS's own threads are turned off next to
/// the code that calls BLAS: ops/blas_threads.cpp.)
void detail::initialise_threading() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (const char* env = std::getenv("XGRAD_NUM_THREADS")) {
      char* end = nullptr;
      const long n = std::strtol(env, &end, 10);
      if (end == env || *end != '\0' || n < 1) {
        throw ValueError(fmt::format("XGRAD_NUM_THREADS='{}' is not a positive integer", env));
      }
      std::lock_guard<std::mutex> lock(control_mutex);
      control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      static_cast<size_t>(n));
    }
  });
}

void set_num_threads(int n) {
  if (n < 1) throw ValueError(fmt::format("set_num_threads: n = {} must be at least 1", n));
  detail::initialise_threading();
  std::lock_guard<std::mutex> lock(control_mutex);
  control.reset();  // one global_control at a time, so the new bound is the one in force
  control = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                  static_cast<size_t>(n));
}

int get_num_threads() {
  detail::initialise_threading();
  return static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

namespace detail {
void parallel_for_chunks(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& f) {
  initialise_threading();
  // The chunk boundaries are fixed by n and `grain`; threads only decide who runs which.
  // Chunks 1.. go to tasks, chunk 0 runs here.
  const int64_t chunks = (n + grain - 1) / grain;
  tbb::task_group tasks;
  for (int64_t c = 1; c < chunks; ++c) {
    auto task = tasks.defer([&f, c, grain, n] {
      XGRAD_TSAN_ACQUIRE(&tsan_handoff);
      f(c * grain, std::min(n, (c + 1) * grain));
      XGRAD_TSAN_RELEASE(&tsan_handoff);
    });
    XGRAD_TSAN_RELEASE(&tsan_handoff);
    tasks.run(std::move(task));
  }
  try {
    f(0, std::min(n, grain));
  } catch (...) {
    tasks.cancel();
    tasks.wait();  // a task_group must not be destroyed with tasks in flight
    throw;
  }
  tasks.wait();
  XGRAD_TSAN_ACQUIRE(&tsan_handoff);
}
}  // namespace detail

}  // namespace xgrad
