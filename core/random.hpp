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
