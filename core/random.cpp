#include "core/random.hpp"

namespace xgrad {
namespace {
std::mutex generator_mutex;
std::mt19937_64& engine() {
  static std::mt19937_64 e(5489u);
  return e;
}
}  // namespace

void manual_seed(uint64_t seed) {
  std::lock_guard<std::mutex> lock(generator_mutex);
  engine().seed(seed);
}

GeneratorLock default_generator() {
  return GeneratorLock{engine(), std::unique_lock<std::mutex>(generator_mutex)};
}

}  // namespace xgrad
