// The caching allocator (see caching_allocator.hpp for the what and why).
//
// Locks, always taken in this order: registry -> a thread's cache -> the global pool. A thread
// takes its own cache's mutex on each cached allocation and free (uncontended except while
// release_cached_memory() walks the caches), so every hand-off of a block between threads goes
// through a mutex and ThreadSanitizer sees it. Counters are relaxed atomics: they are
// statistics, except `cached`, whose compare-and-swap keeps cached bytes under the limit.
#include <xgrad/core/caching_allocator.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <xgrad/core/error.hpp>

#if defined(__SANITIZE_ADDRESS__)
#define XGRAD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XGRAD_ASAN 1
#endif
#endif
#if defined(XGRAD_ASAN)
#include <sanitizer/asan_interface.h>
// A cached block is poisoned, so AddressSanitizer still reports a use after free.
#define XGRAD_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define XGRAD_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define XGRAD_POISON(p, n) ((void)(p), (void)(n))
#define XGRAD_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace xgrad {
namespace {

constexpr std::size_t kAlignment = 64;
constexpr std::size_t kMinCachedBytes = 4096;  // below: the system's small-block caches
constexpr std::size_t kMaxCachedBytes = std::size_t{1} << 48;  // above: never a class
constexpr int kMinClassLog = 11;                               // 4096 - 1 has its top bit at 2^11
constexpr int kClasses = 4 * (49 - kMinClassLog);  // 4 classes per power of two up to 2^48
constexpr int kBlocksPerThreadClass = 4;
constexpr std::size_t kMaxThreadBlockBytes = std::size_t{4} << 20;  // larger: global pool only

bool cacheable(std::size_t bytes) {
  return bytes >= kMinCachedBytes && bytes <= kMaxCachedBytes;
}

/// Class of a cacheable size: with 2^k <= bytes - 1 < 2^(k+1), bytes rounds up to a multiple
/// of 2^(k-2), i.e. to 5/4, 6/4, 7/4 or 8/4 of 2^k (at most 25% slack).
int class_of(std::size_t bytes) {
  const std::size_t b = bytes - 1;
  const int k = 63 - __builtin_clzll(b);
  const int quarter = static_cast<int>(b >> (k - 2));  // 4..7
  return 4 * (k - kMinClassLog) + quarter - 4;
}
std::size_t class_bytes(int c) {
  const int k = c / 4 + kMinClassLog;
  const std::size_t quarter = static_cast<std::size_t>(c % 4 + 4);
  return (quarter + 1) << (k - 2);
}

}  // namespace

uint64_t detail::parse_cache_limit(const char* text) {
  const std::string s(text);
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string suffix = s.substr(i);
  for (auto& ch : suffix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int shift = -1;
  if (suffix.empty() || suffix == "B") shift = 0;
  if (suffix == "K" || suffix == "KB" || suffix == "KIB") shift = 10;
  if (suffix == "M" || suffix == "MB" || suffix == "MIB") shift = 20;
  if (suffix == "G" || suffix == "GB" || suffix == "GIB") shift = 30;
  // At most 15 digits (no stoull overflow), and the scaled value must fit in 64 bits.
  const bool valid =
      i > 0 && i <= 15 && shift >= 0 && std::stoull(s.substr(0, i)) <= (UINT64_MAX >> shift);
  if (!valid) {
    throw ValueError(fmt::format(
        "XGRAD_CACHE_LIMIT='{}' is not a byte count (examples: 536870912, 512M, 2G; 0 turns "
        "the tensor cache off)",
        s));
  }
  return std::stoull(s.substr(0, i)) << shift;
}

namespace {

/// min(1 GiB, a quarter of the machine's memory): a training step's working set fits, and an
/// idle cache never holds much of a small machine.
uint64_t default_limit() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGE_SIZE);
  const uint64_t gib = uint64_t{1} << 30;
  if (pages <= 0 || page <= 0) return gib;
  return std::min(gib, static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) / 4);
}

struct ThreadCache {
  std::mutex mutex;
  std::array<std::array<void*, kBlocksPerThreadClass>, kClasses> blocks{};
  std::array<int, kClasses> count{};
};

struct State {
  std::atomic<uint64_t> limit{0};
  std::atomic<uint64_t> cached{0};
  std::atomic<uint64_t> allocated{0};
  std::atomic<uint64_t> peak{0};
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};
  std::atomic<uint64_t> uncached{0};
  std::atomic<uint64_t> releases{0};
  std::atomic<int> fail_next{0};

  std::mutex registry_mutex;
  std::vector<ThreadCache*> threads;
  std::mutex pool_mutex;
  std::array<std::vector<void*>, kClasses> pool;

  State() {
    const char* env = std::getenv("XGRAD_CACHE_LIMIT");
    limit = env ? detail::parse_cache_limit(env) : default_limit();
  }
};

/// Never destroyed: TBB workers and static tensors may free blocks during exit.
State& state() {
  static State* s = new State();
  return *s;
}

void system_free(void* p) {
  ::operator delete (p, std::align_val_t{kAlignment});
}

void* try_system_allocate(State& st, std::size_t bytes) {
  int fail = st.fail_next.load(std::memory_order_relaxed);
  while (fail > 0) {
    if (st.fail_next.compare_exchange_weak(fail, fail - 1)) return nullptr;
  }
  return ::operator new (bytes, std::align_val_t{kAlignment}, std::nothrow);
}

/// The system's memory; when it refuses, the cache is given back and the request retried once.
void* system_allocate(State& st, std::size_t bytes) {
  void* p = try_system_allocate(st, bytes);
  if (p) return p;
  release_cached_memory();
  p = try_system_allocate(st, bytes);
  if (!p) throw std::bad_alloc();
  return p;
}

// Small blocks (under kMinCachedBytes) come from plain malloc, aligned by hand: glibc's
// aligned allocation (memalign) bypasses its per-thread cache (tcache) and splits a larger
// chunk on every call, leaving fragments to free, while malloc reuses freed chunks of the size
// at once (perf, 10-32-32-1 MLP step, whose tensors are mostly this small: tensor allocation
// went from 6.7% of its samples to 2.4%). The pointer malloc gave is kept just before the
// aligned block.
void* try_small_allocate(State& st, std::size_t bytes) {
  int fail = st.fail_next.load(std::memory_order_relaxed);
  while (fail > 0) {
    if (st.fail_next.compare_exchange_weak(fail, fail - 1)) return nullptr;
  }
  return std::malloc(bytes + kAlignment + sizeof(void*));
}
void* small_allocate(State& st, std::size_t bytes) {
  void* raw = try_small_allocate(st, bytes);
  if (!raw) {  // as system_allocate: give the cache back, retry once
    release_cached_memory();
    raw = try_small_allocate(st, bytes);
    if (!raw) throw std::bad_alloc();
  }
  const auto start = reinterpret_cast<std::uintptr_t>(raw) + sizeof(void*);
  void* p = reinterpret_cast<void*>((start + kAlignment - 1) / kAlignment * kAlignment);
  static_cast<void**>(p)[-1] = raw;
  return p;
}
void small_free(void* p) {
  std::free(static_cast<void**>(p)[-1]);
}

/// Reserves `bytes` of the cache's bound; false when they do not fit under it.
bool reserve_cache(State& st, uint64_t bytes) {
  uint64_t current = st.cached.load(std::memory_order_relaxed);
  do {
    if (current + bytes > st.limit.load(std::memory_order_relaxed)) return false;
  } while (!st.cached.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
  return true;
}

void count_allocated(State& st, std::size_t bytes) {
  const uint64_t now = st.allocated.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  uint64_t peak = st.peak.load(std::memory_order_relaxed);
  while (now > peak && !st.peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

/// Moves a thread's blocks into the global pool (their bytes stay counted as cached).
void spill_to_pool(State& st, ThreadCache& tc) {
  std::lock_guard<std::mutex> pool_lock(st.pool_mutex);
  for (int c = 0; c < kClasses; ++c) {
    for (; tc.count[c] > 0; --tc.count[c]) st.pool[c].push_back(tc.blocks[c][tc.count[c] - 1]);
  }
}

// The calling thread's cache, registered on first use; at thread exit its blocks go to the
// global pool. `t_cache_gone` (trivially destructible, so still readable) guards frees that
// happen after the holder's destructor ran (thread-exit order is unspecified).
thread_local bool t_cache_gone = false;
struct ThreadCacheHolder {
  ThreadCache* cache = nullptr;
  ~ThreadCacheHolder() {
    t_cache_gone = true;
    if (!cache) return;
    State& st = state();
    {
      std::lock_guard<std::mutex> registry_lock(st.registry_mutex);
      st.threads.erase(std::find(st.threads.begin(), st.threads.end(), cache));
      std::lock_guard<std::mutex> lock(cache->mutex);
      try {
        spill_to_pool(st, *cache);
      } catch (const std::bad_alloc&) {  // the pool could not grow: hand them back instead
        for (int c = 0; c < kClasses; ++c) {
          for (int i = 0; i < cache->count[c]; ++i) {
            XGRAD_UNPOISON(cache->blocks[c][i], class_bytes(c));
            system_free(cache->blocks[c][i]);
            st.cached.fetch_sub(class_bytes(c), std::memory_order_relaxed);
          }
          cache->count[c] = 0;
        }
      }
    }
    delete cache;
  }
};
thread_local ThreadCacheHolder t_holder;

ThreadCache* thread_cache(State& st) {
  if (t_cache_gone) return nullptr;
  if (!t_holder.cache) {
    auto cache = std::make_unique<ThreadCache>();
    std::lock_guard<std::mutex> registry_lock(st.registry_mutex);
    st.threads.push_back(cache.get());
    t_holder.cache = cache.release();
  }
  return t_holder.cache;
}

/// A cached block of class c, or nullptr: this thread's cache first, then the global pool.
void* take_cached(State& st, int c) {
  if (ThreadCache* tc = thread_cache(st)) {
    std::lock_guard<std::mutex> lock(tc->mutex);
    if (tc->count[c] > 0) return tc->blocks[c][--tc->count[c]];
  }
  std::lock_guard<std::mutex> lock(st.pool_mutex);
  if (st.pool[c].empty()) return nullptr;
  void* p = st.pool[c].back();
  st.pool[c].pop_back();
  return p;
}

/// Puts a block (its bytes already reserved) into this thread's cache or the global pool.
void put_cached(State& st, int c, void* p) {
  if (class_bytes(c) <= kMaxThreadBlockBytes) {
    if (ThreadCache* tc = thread_cache(st)) {
      std::lock_guard<std::mutex> lock(tc->mutex);
      if (tc->count[c] < kBlocksPerThreadClass) {
        tc->blocks[c][tc->count[c]++] = p;
        return;
      }
    }
  }
  std::lock_guard<std::mutex> lock(st.pool_mutex);
  st.pool[c].push_back(p);  // may throw std::bad_alloc: the caller frees the block then
}

}  // namespace

namespace detail {

void* cached_allocate(std::size_t bytes) {
  State& st = state();
  if (!cacheable(bytes)) {
    void* p = bytes < kMinCachedBytes ? small_allocate(st, bytes)
                                      : system_allocate(st, std::max<std::size_t>(bytes, 1));
    st.uncached.fetch_add(1, std::memory_order_relaxed);
    count_allocated(st, bytes);
    return p;
  }
  const int c = class_of(bytes);
  const std::size_t size = class_bytes(c);
  // An empty cache (e.g. caching off) skips the look-up; a stale zero only costs a miss.
  void* p = st.cached.load(std::memory_order_relaxed) != 0 ? take_cached(st, c) : nullptr;
  if (p) {
    st.cached.fetch_sub(size, std::memory_order_relaxed);
    st.hits.fetch_add(1, std::memory_order_relaxed);
    XGRAD_UNPOISON(p, size);
  } else {
    p = system_allocate(st, size);  // the whole class, so any request of the class can reuse it
    st.misses.fetch_add(1, std::memory_order_relaxed);
  }
  count_allocated(st, bytes);
  return p;
}

void cached_deallocate(void* p, std::size_t bytes) noexcept {
  if (!p) return;
  State& st = state();
  st.allocated.fetch_sub(bytes, std::memory_order_relaxed);
  if (bytes < kMinCachedBytes) return small_free(p);
  if (!cacheable(bytes)) return system_free(p);
  const int c = class_of(bytes);
  const std::size_t size = class_bytes(c);
  if (reserve_cache(st, size)) {
    XGRAD_POISON(p, size);
    try {
      put_cached(st, c, p);
      return;
    } catch (const std::bad_alloc&) {
      XGRAD_UNPOISON(p, size);
      st.cached.fetch_sub(size, std::memory_order_relaxed);
    }
  }
  st.releases.fetch_add(1, std::memory_order_relaxed);
  system_free(p);
}

void fail_next_system_allocations_for_testing(int n) {
  state().fail_next.store(n);
}

}  // namespace detail

void release_cached_memory() {
  State& st = state();
  std::vector<std::pair<void*, int>> blocks;  // taken under the locks, freed outside them
  auto take = [&](void* p, int c) {
    try {
      blocks.emplace_back(p, c);
    } catch (const std::bad_alloc&) {  // no room to list it: free it now
      XGRAD_UNPOISON(p, class_bytes(c));
      system_free(p);
      st.cached.fetch_sub(class_bytes(c), std::memory_order_relaxed);
      st.releases.fetch_add(1, std::memory_order_relaxed);
    }
  };
  {
    std::lock_guard<std::mutex> registry_lock(st.registry_mutex);
    for (ThreadCache* tc : st.threads) {
      std::lock_guard<std::mutex> lock(tc->mutex);
      for (int c = 0; c < kClasses; ++c) {
        for (int i = 0; i < tc->count[c]; ++i) take(tc->blocks[c][i], c);
        tc->count[c] = 0;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(st.pool_mutex);
    for (int c = 0; c < kClasses; ++c) {
      for (void* p : st.pool[c]) take(p, c);
      st.pool[c].clear();
      st.pool[c].shrink_to_fit();
    }
  }
  for (auto [p, c] : blocks) {
    XGRAD_UNPOISON(p, class_bytes(c));
    system_free(p);
    st.cached.fetch_sub(class_bytes(c), std::memory_order_relaxed);
    st.releases.fetch_add(1, std::memory_order_relaxed);
  }
}

void set_cache_limit(uint64_t bytes) {
  State& st = state();
  st.limit.store(bytes);
  if (st.cached.load() > bytes) release_cached_memory();
}

uint64_t get_cache_limit() {
  return state().limit.load();
}

void reset_peak_allocator_stats() {
  State& st = state();
  st.peak.store(st.allocated.load());
}

AllocatorStats allocator_stats() {
  State& st = state();
  AllocatorStats s;
  s.allocated_bytes = st.allocated.load();
  s.peak_allocated_bytes = st.peak.load();
  s.cached_bytes = st.cached.load();
  s.cache_limit = st.limit.load();
  s.hits = st.hits.load();
  s.misses = st.misses.load();
  s.uncached_allocations = st.uncached.load();
  s.releases = st.releases.load();
  return s;
}

}  // namespace xgrad
