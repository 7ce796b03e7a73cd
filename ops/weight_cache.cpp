// Autocast's weight cache (ops/detail/weight_cache.hpp). An entry holds its storage weakly,
// so it never keeps a freed parameter's memory alive nor matches a new storage that reuses
// the address; it is used only while that storage's version counter is the one it was made
// at. At most kCapacity entries (the parameters of a model), the oldest dropped first.
#include <xgrad/ops/detail/weight_cache.hpp>

#include <algorithm>
#include <deque>
#include <mutex>

#include <xgrad/core/autocast.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/parallel.hpp>
#include <xgrad/ops/autocast.hpp>
#include <xgrad/ops/detail/bf16.hpp>

namespace xgrad::autocast_cache {
namespace {

constexpr size_t kCapacity = 256;

struct Entry {
  std::weak_ptr<Storage> storage;
  const Storage* address;
  int64_t offset, numel;
  uint64_t version;
  std::shared_ptr<const uint16_t[]> data;
};

struct Cache {
  std::mutex mutex;
  std::deque<Entry> entries;  // oldest first
};

Cache& cache() {
  static Cache c;
  return c;
}

bool matches(const Entry& e, const TensorImpl& impl, int64_t numel) {
  return e.address == impl.storage.get() && e.offset == impl.storage_offset && e.numel == numel;
}

}  // namespace

std::shared_ptr<const uint16_t[]> rounded(const Tensor& t) {
  if (autocast_dtype() != kBFloat16 || !autocast_available(kBFloat16)) return nullptr;
  if (!t.defined() || t.dtype() != DType::Float32 || !t.is_contiguous() || t.numel() == 0)
    return nullptr;
  const TensorImpl& impl = *t.impl();
  const uint64_t version = t.version();
  const int64_t numel = t.numel();
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    for (auto it = c.entries.begin(); it != c.entries.end(); ++it) {
      if (!matches(*it, impl, numel)) continue;
      if (it->version == version && it->storage.lock() == impl.storage) return it->data;
      c.entries.erase(it);  // stale: the weight was updated (or the address reused)
      break;
    }
  }
  if (!t.is_leaf() || !t.requires_grad()) return nullptr;
  // Rounded outside the lock; two threads may round one weight at once, harmlessly.
  std::shared_ptr<uint16_t[]> data(new uint16_t[static_cast<size_t>(numel)]);
  const float* source = raw_data<float>(t);
  parallel_for(numel, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    bf16::from_float(source + lo, 1, hi - lo, hi - lo, data.get() + lo);
  });
  std::lock_guard<std::mutex> lock(c.mutex);
  c.entries.erase(std::remove_if(c.entries.begin(), c.entries.end(),
                                 [&](const Entry& e) {
                                   return e.storage.expired() || matches(e, impl, numel);
                                 }),
                  c.entries.end());
  if (c.entries.size() >= kCapacity) c.entries.pop_front();
  c.entries.push_back(
      {impl.storage, impl.storage.get(), impl.storage_offset, numel, version, data});
  return data;
}

size_t size() {
  std::lock_guard<std::mutex> lock(cache().mutex);
  return cache().entries.size();
}

void clear() {
  std::lock_guard<std::mutex> lock(cache().mutex);
  cache().entries.clear();
}

}  // namespace xgrad::autocast_cache
