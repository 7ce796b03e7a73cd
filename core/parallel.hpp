#pragma once
// Threads: one scheduler (oneTBB) owns the cores. The backward engine runs independent
// branches of the graph as TBB tasks; large ops split their loops with parallel_for; BLAS runs
// single-threaded inside those tasks, so two thread pools never fight over the cores.
//
// Every split depends on the sizes only, never on the number of threads, so results are
// bitwise identical for any thread count.
#include <cstdint>
#include <functional>

namespace xgrad {

/// Bounds the threads xgrad uses (the environment variable XGRAD_NUM_THREADS sets the
/// starting value; the default is all cores).  Example: xgrad::set_num_threads(2);
void set_num_threads(int n);
/// The current bound.
int get_num_threads();

namespace detail {
/// Applies XGRAD_NUM_THREADS, once; called before the first parallel region.
void initialise_threading();
void parallel_for_chunks(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& f);
}  // namespace detail

/// Runs f(begin, end) over [0, n) in chunks of `grain` elements (the last may be shorter),
/// possibly in parallel. Serial, with no overhead, when n <= grain.
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= grain) {
    f(int64_t(0), n);
    return;
  }
  detail::parallel_for_chunks(n, grain, f);
}

/// Grain sizes measured on this machine (bench/grain_bench.cpp): below these, the
/// cost of handing work to another thread exceeds the work.
inline constexpr int64_t kElementwiseGrain = 1 << 16;     // elements of a cheap elementwise op
inline constexpr int64_t kTranscendentalGrain = 1 << 13;  // exp, log, tanh, ...

}  // namespace xgrad
