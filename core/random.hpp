#pragma once
// The random number generator behind rand, randn and dropout: one global, seedable stream
// (std::mt19937_64), so that a seed reproduces a run.
#include <cstdint>
#include <mutex>
#include <random>

namespace xgrad {

/// Seeds the global generator.  Example: xgrad::manual_seed(0);
void manual_seed(uint64_t seed);

/// The global generator, locked for the duration of its use by the caller:
///   { auto gen = default_generator(); std::uniform_real_distribution<double> u; u(gen.engine); }
struct GeneratorLock {
  std::mt19937_64& engine;
  std::unique_lock<std::mutex> lock;
};
GeneratorLock default_generator();

}  // namespace xgrad

namespace xgrad {

/// Gives the calling thread its own generator, seeded with `seed`, for the guard's lifetime:
/// rand, randn, dropout and init on this thread draw from it instead of the global one, so
/// work running in parallel (tune's trials) is reproducible whatever the thread schedule.
/// Guards nest; other threads keep the global generator.
///   Example: { xgrad::ThreadGeneratorGuard g(42); auto w = xgrad::randn({3, 3}); }
class ThreadGeneratorGuard {
 public:
  explicit ThreadGeneratorGuard(uint64_t seed);
  ~ThreadGeneratorGuard();
  ThreadGeneratorGuard(const ThreadGeneratorGuard&) = delete;
  ThreadGeneratorGuard& operator=(const ThreadGeneratorGuard&) = delete;

 private:
  std::mt19937_64 engine_;
  std::mutex mutex_;
  ThreadGeneratorGuard* previous_;
  friend GeneratorLock default_generator();
};

}  // namespace xgrad
