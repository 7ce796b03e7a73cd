// The tensor-storage caching allocator: freed blocks are reused (hits), the cache stays under
// its bound, release_cached_memory() empties every thread's cache, a block freed on one thread
// is reused on another, many threads allocate and free at once safely (this suite runs under
// ThreadSanitizer), and a refusal by the system releases the cache and retries once.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xg::detail::cached_allocate;
using xg::detail::cached_deallocate;

/// Each test starts from an empty cache and the default bound, and leaves them so.
class CachingAllocator : public ::testing::Test {
 protected:
  void SetUp() override {
    limit_ = xg::get_cache_limit();
    xg::release_cached_memory();
  }
  void TearDown() override {
    xg::detail::fail_next_system_allocations_for_testing(0);
    xg::set_cache_limit(limit_);
    xg::release_cached_memory();
  }
  uint64_t limit_ = 0;
};

TEST_F(CachingAllocator, AFreedBlockIsReusedForTheSameSizeClass) {
  const auto before = xg::allocator_stats();
  void* p = cached_allocate(100000);
  cached_deallocate(p, 100000);
  const auto cached = xg::allocator_stats();
  EXPECT_EQ(cached.misses, before.misses + 1);
  // 100,000 bytes rounds up to 7/4 of 2^16 = 114,688 (at most 25% slack).
  EXPECT_EQ(cached.cached_bytes, 114688u);

  void* q = cached_allocate(110000);  // another size of the same class
  EXPECT_EQ(q, p);
  const auto after = xg::allocator_stats();
  EXPECT_EQ(after.hits, before.hits + 1);
  EXPECT_EQ(after.misses, before.misses + 1);
  EXPECT_EQ(after.cached_bytes, 0u);
  std::memset(q, 1, 110000);  // the whole request is usable
  cached_deallocate(q, 110000);
}

TEST_F(CachingAllocator, BlocksAre64ByteAlignedAndSmallOnesBypassTheCache) {
  const auto before = xg::allocator_stats();
  for (std::size_t bytes : {0, 1, 8, 100, 4095, 4096, 5000, 65536, 1000000}) {
    void* p = cached_allocate(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u) << bytes;
    cached_deallocate(p, bytes);
  }
  const auto after = xg::allocator_stats();
  EXPECT_EQ(after.uncached_allocations, before.uncached_allocations + 5);  // 0 .. 4095
  EXPECT_EQ(after.cached_bytes, 4096u + 5120u + 65536u + 1048576u);
}

TEST_F(CachingAllocator, TensorStorageGoesThroughTheCache) {
  const auto before = xg::allocator_stats();
  {
    auto a = xg::zeros({256, 256});
    EXPECT_GE(xg::allocator_stats().allocated_bytes, before.allocated_bytes + 256 * 256 * 4);
  }
  EXPECT_EQ(xg::allocator_stats().allocated_bytes, before.allocated_bytes);
  auto b = xg::ones({256, 256});
  EXPECT_EQ(xg::allocator_stats().hits, before.hits + 1);
  EXPECT_EQ(b.sum().item(), 65536.0);
}

TEST_F(CachingAllocator, CachedBytesNeverExceedTheLimit) {
  xg::set_cache_limit(1 << 20);
  EXPECT_EQ(xg::get_cache_limit(), 1u << 20);
  const auto before = xg::allocator_stats();
  std::vector<void*> blocks;
  for (int i = 0; i < 20; ++i) blocks.push_back(cached_allocate(200000));
  for (void* p : blocks) {
    cached_deallocate(p, 200000);
    EXPECT_LE(xg::allocator_stats().cached_bytes, 1u << 20);
  }
  const auto after = xg::allocator_stats();
  EXPECT_GT(after.cached_bytes, 0u);
  EXPECT_GT(after.releases, before.releases);  // the ones that did not fit went back
  // A block larger than the limit is never cached.
  void* big = cached_allocate(2 << 20);
  cached_deallocate(big, 2 << 20);
  EXPECT_LE(xg::allocator_stats().cached_bytes, 1u << 20);
  // Lowering the limit below what is cached frees the cache.
  xg::set_cache_limit(4096);
  EXPECT_EQ(xg::allocator_stats().cached_bytes, 0u);
}

TEST_F(CachingAllocator, ALimitOfZeroTurnsCachingOff) {
  xg::set_cache_limit(0);
  const auto before = xg::allocator_stats();
  for (int i = 0; i < 3; ++i) cached_deallocate(cached_allocate(100000), 100000);
  const auto after = xg::allocator_stats();
  EXPECT_EQ(after.cached_bytes, 0u);
  EXPECT_EQ(after.hits, before.hits);
  EXPECT_EQ(after.misses, before.misses + 3);
}

TEST_F(CachingAllocator, ReleaseEmptiesTheCachesOfEveryThread) {
  // Two threads each free blocks into their own cache and stay alive while this one releases.
  std::mutex m;
  std::condition_variable cv;
  int freed = 0;
  bool done = false;
  auto worker = [&] {
    for (int i = 0; i < 3; ++i)
      cached_deallocate(cached_allocate(50000 + 1000 * i), 50000 + 1000 * i);
    std::unique_lock<std::mutex> lock(m);
    ++freed;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  };
  std::thread t1(worker), t2(worker);
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return freed == 2; });
  }
  EXPECT_GT(xg::allocator_stats().cached_bytes, 0u);
  xg::release_cached_memory();
  EXPECT_EQ(xg::allocator_stats().cached_bytes, 0u);
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_all();
  t1.join();
  t2.join();
  EXPECT_EQ(xg::allocator_stats().cached_bytes, 0u);
}

TEST_F(CachingAllocator, ABlockFreedOnOneThreadIsReusedOnAnother) {
  // Freed by a thread that then exits: its cache goes to the global pool.
  void* p = cached_allocate(300000);
  std::thread([p] { cached_deallocate(p, 300000); }).join();
  const auto before = xg::allocator_stats();
  void* q = cached_allocate(300000);
  EXPECT_EQ(q, p);
  EXPECT_EQ(xg::allocator_stats().hits, before.hits + 1);
  cached_deallocate(q, 300000);
  xg::release_cached_memory();

  // Freed by a thread that lives on (a TBB worker in backward): what overflows its own cache
  // reaches the global pool, where this thread finds it.
  std::vector<void*> blocks;
  for (int i = 0; i < 6; ++i) blocks.push_back(cached_allocate(300000));
  std::mutex m;
  std::condition_variable cv;
  bool freed = false, done = false;
  std::thread worker([&] {
    for (void* b : blocks) cached_deallocate(b, 300000);
    std::unique_lock<std::mutex> lock(m);
    freed = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return freed; });
  }
  const auto mid = xg::allocator_stats();
  void* r = cached_allocate(300000);
  EXPECT_EQ(xg::allocator_stats().hits, mid.hits + 1);
  EXPECT_NE(std::find(blocks.begin(), blocks.end(), r), blocks.end());
  cached_deallocate(r, 300000);
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_all();
  worker.join();
}

TEST_F(CachingAllocator, ManyThreadsAllocatingAndFreeingAtOnce) {
  // Each block is stamped with its owner and checked before it is freed (two threads never
  // hold one block); a third of the blocks are freed by another thread through a shared queue.
  constexpr int kThreads = 8, kIterations = 1500;
  const auto before = xg::allocator_stats();
  std::mutex queue_mutex;
  std::vector<std::pair<void*, std::size_t>> queue;
  std::atomic<int> corrupted{0};
  auto stamp = [](void* p, std::size_t bytes, uint32_t v) {
    auto* w = static_cast<uint32_t*>(p);
    w[0] = v;
    w[bytes / 4 - 1] = v;
  };
  auto intact = [](void* p, std::size_t bytes, uint32_t v) {
    auto* w = static_cast<uint32_t*>(p);
    return w[0] == v && w[bytes / 4 - 1] == v;
  };
  auto worker = [&](int id) {
    std::mt19937 rng(static_cast<uint32_t>(id));
    std::vector<std::pair<void*, std::size_t>> mine;
    for (int i = 0; i < kIterations; ++i) {
      const std::size_t bytes = 4 * (1 + rng() % 60000);  // small and cacheable ones
      void* p = cached_allocate(bytes);
      stamp(p, bytes, static_cast<uint32_t>(id));
      mine.emplace_back(p, bytes);
      if (rng() % 3 == 0) {  // hand one to whichever thread frees next from the queue
        std::lock_guard<std::mutex> lock(queue_mutex);
        queue.push_back(mine.back());
        mine.pop_back();
      }
      if (mine.size() > 8) {
        auto [q, n] = mine.front();
        if (!intact(q, n, static_cast<uint32_t>(id))) ++corrupted;
        cached_deallocate(q, n);
        mine.erase(mine.begin());
      }
      std::pair<void*, std::size_t> other{nullptr, 0};
      {
        std::lock_guard<std::mutex> lock(queue_mutex);
        if (!queue.empty()) {
          other = queue.back();
          queue.pop_back();
        }
      }
      if (other.first) cached_deallocate(other.first, other.second);
    }
    for (auto [q, n] : mine) {
      if (!intact(q, n, static_cast<uint32_t>(id))) ++corrupted;
      cached_deallocate(q, n);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(worker, t);
  // Meanwhile this thread reads the statistics and empties the cache now and then.
  for (int i = 0; i < 50; ++i) {
    EXPECT_LE(xg::allocator_stats().cached_bytes, xg::get_cache_limit());
    if (i % 10 == 0) xg::release_cached_memory();
    std::this_thread::yield();
  }
  for (auto& t : threads) t.join();
  for (auto [q, n] : queue) cached_deallocate(q, n);
  EXPECT_EQ(corrupted.load(), 0);
  const auto after = xg::allocator_stats();
  EXPECT_EQ(after.allocated_bytes, before.allocated_bytes);
  EXPECT_LE(after.cached_bytes, after.cache_limit);
  EXPECT_GT(after.hits, before.hits);
  EXPECT_GE(after.peak_allocated_bytes, after.allocated_bytes);
}

TEST_F(CachingAllocator, ARefusalReleasesTheCacheAndRetriesOnce) {
  void* p = cached_allocate(100000);
  cached_deallocate(p, 100000);
  ASSERT_GT(xg::allocator_stats().cached_bytes, 0u);
  // The system refuses once: the cache is released and the retry succeeds.
  xg::detail::fail_next_system_allocations_for_testing(1);
  void* q = cached_allocate(1000000);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(xg::allocator_stats().cached_bytes, 0u);
  cached_deallocate(q, 1000000);
  // It refuses twice: std::bad_alloc, which tensor creation turns into OutOfMemoryError.
  xg::detail::fail_next_system_allocations_for_testing(2);
  EXPECT_THROW(cached_allocate(3000000), std::bad_alloc);
  xg::detail::fail_next_system_allocations_for_testing(2);
  const auto message = xgtest::message_of<xg::OutOfMemoryError>([] { xg::zeros({1000, 1000}); });
  EXPECT_TRUE(xgtest::Contains(message, "[1000, 1000]")) << message;
}

TEST_F(CachingAllocator, PeakStatisticsFollowTheBytesInUse) {
  xg::reset_peak_allocator_stats();
  const auto base = xg::allocator_stats();
  EXPECT_EQ(base.peak_allocated_bytes, base.allocated_bytes);
  void* p = cached_allocate(1 << 20);
  EXPECT_EQ(xg::allocator_stats().peak_allocated_bytes, base.allocated_bytes + (1 << 20));
  cached_deallocate(p, 1 << 20);
  EXPECT_EQ(xg::allocator_stats().peak_allocated_bytes, base.allocated_bytes + (1 << 20));
  xg::reset_peak_allocator_stats();
  EXPECT_EQ(xg::allocator_stats().peak_allocated_bytes, base.allocated_bytes);
}

TEST(CachingAllocatorLimit, TheEnvironmentVariableSyntax) {
  EXPECT_EQ(xg::detail::parse_cache_limit("0"), 0u);
  EXPECT_EQ(xg::detail::parse_cache_limit("123456"), 123456u);
  EXPECT_EQ(xg::detail::parse_cache_limit("64K"), 64u << 10);
  EXPECT_EQ(xg::detail::parse_cache_limit("512M"), 512u << 20);
  EXPECT_EQ(xg::detail::parse_cache_limit("2g"), uint64_t{2} << 30);
  EXPECT_EQ(xg::detail::parse_cache_limit("3GiB"), uint64_t{3} << 30);
  for (const char* bad : {"", "-1", "1.5G", "12X", "G", "99999999999999999999"}) {
    const auto message =
        xgtest::message_of<xg::ValueError>([&] { xg::detail::parse_cache_limit(bad); });
    EXPECT_TRUE(xgtest::Contains(message, "XGRAD_CACHE_LIMIT")) << bad;
  }
}

}  // namespace
