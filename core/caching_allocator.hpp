#pragma once
// The caching allocator behind tensor storage. A training step frees and allocates the same
// buffers every step (activations, gradients: 100 KB to a few MB each); asking the system for
// them each time costs page faults on fresh zero-filled pages (measured: a 784-256-256-10 MLP
// step 5.3 ms instead of 1.1 ms). xgrad keeps freed blocks and hands them out again instead,
// without touching the host's malloc settings (cf. c10's CUDACachingAllocator: emptyCache,
// memory_stats).
//
//   * Size classes: requests round up to 4 classes per power of two (at most 25% slack);
//     requests under 4 KiB go straight to the system (its own small-block caches are good).
//   * Per-thread caches (a few blocks per class) in front of one global pool: a block freed on
//     one thread (backward runs on oneTBB workers) can be reused by any other.
//   * A bound on cached bytes (default min(1 GiB, RAM / 4); XGRAD_CACHE_LIMIT=bytes with an
//     optional K, M or G suffix, or set_cache_limit()); 0 turns caching off. A freed block that
//     does not fit under the bound goes back to the system.
//   * When the system refuses an allocation, the cache is released and the request retried
//     once; a second refusal is std::bad_alloc (empty_tensor's OutOfMemoryError).
// Blocks are 64-byte aligned (xsimd's aligned loads, as xtensor's default allocator gives).
#include <cstddef>
#include <cstdint>
#include <new>

namespace xgrad {

/// The allocator's counters (all bytes). Example: auto s = xgrad::allocator_stats();
struct AllocatorStats {
  uint64_t allocated_bytes = 0;       ///< bytes of tensor storage in use now
  uint64_t peak_allocated_bytes = 0;  ///< the most in use at once (since reset_peak_...)
  uint64_t cached_bytes = 0;          ///< bytes held in the cache, free for reuse
  uint64_t cache_limit = 0;           ///< the bound on cached_bytes
  uint64_t hits = 0;                  ///< allocations served from the cache
  uint64_t misses = 0;                ///< cacheable allocations that went to the system
  uint64_t uncached_allocations = 0;  ///< small ones (< 4 KiB), always from the system
  uint64_t releases = 0;              ///< blocks handed back to the system from the cache
};

/// A snapshot of the counters.  Example: xgrad::allocator_stats().cached_bytes
AllocatorStats allocator_stats();
/// Frees every cached block of every thread (torch.cuda.empty_cache()'s counterpart).
/// Example: xgrad::release_cached_memory();
void release_cached_memory();
/// Bounds the cached bytes (0 disables caching); frees the cache if it holds more.
/// Example: xgrad::set_cache_limit(256 << 20);
void set_cache_limit(uint64_t bytes);
/// The current bound.
uint64_t get_cache_limit();
/// Starts peak_allocated_bytes again from the bytes in use now.
void reset_peak_allocator_stats();

namespace detail {
/// `bytes` of 64-byte aligned memory: from the cache when it holds a block of the class,
/// else from the system; std::bad_alloc when the system refuses twice.
void* cached_allocate(std::size_t bytes);
/// Returns a block from cached_allocate(bytes) (the same `bytes`).
void cached_deallocate(void* p, std::size_t bytes) noexcept;
/// XGRAD_CACHE_LIMIT's syntax: bytes with an optional K, M or G suffix (1024-based);
/// ValueError otherwise.  Example: parse_cache_limit("512M") == 512 << 20
uint64_t parse_cache_limit(const char* text);
/// Tests only: the next `n` system allocations fail, as if the system were out of memory.
void fail_next_system_allocations_for_testing(int n);
}  // namespace detail

/// A standard allocator over the cache (what tensor storage's xtensor containers use).
template <class T>
struct CachingAllocator {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = CachingAllocator<U>;
  };
  CachingAllocator() noexcept = default;
  template <class U>
  CachingAllocator(const CachingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(detail::cached_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { detail::cached_deallocate(p, n * sizeof(T)); }

  template <class U>
  bool operator==(const CachingAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const CachingAllocator<U>&) const noexcept {
    return false;
  }
};

}  // namespace xgrad
