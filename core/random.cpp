#include <xgrad/core/random.hpp>

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

static thread_local ThreadGeneratorGuard* t_guard = nullptr;  // this thread's innermost guard

GeneratorLock default_generator() {
  if (t_guard)
    return GeneratorLock{t_guard->engine_, std::unique_lock<std::mutex>(t_guard->mutex_)};
  return GeneratorLock{engine(), std::unique_lock<std::mutex>(generator_mutex)};
}

ThreadGeneratorGuard::ThreadGeneratorGuard(uint64_t seed) : engine_(seed), previous_(t_guard) {
  t_guard = this;
}

ThreadGeneratorGuard::~ThreadGeneratorGuard() {
  t_guard = previous_;
}

}  // namespace xgrad
