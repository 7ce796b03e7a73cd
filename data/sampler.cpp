#include <xgrad/data/sampler.hpp>

#include <fmt/format.h>

#include <numeric>

#include <xgrad/core/error.hpp>
#include <xgrad/data/permutation.hpp>

namespace xgrad::data {

DistributedSampler::DistributedSampler(int64_t dataset_size, int64_t num_replicas, int64_t rank,
                                       DistributedSamplerOptions options)
    : dataset_size_(dataset_size), num_replicas_(num_replicas), rank_(rank), options_(options) {
  if (num_replicas < 1) {
    throw ValueError(
        fmt::format("DistributedSampler: num_replicas must be >= 1, got {}", num_replicas));
  }
  if (rank < 0 || rank >= num_replicas) {
    throw ValueError(
        fmt::format("DistributedSampler: rank {} is outside [0, {}) ", rank, num_replicas));
  }
  if (dataset_size < 0) {
    throw ValueError(
        fmt::format("DistributedSampler: dataset_size must be >= 0, got {}", dataset_size));
  }
  if (dataset_size == 0 && !options_.drop_last_) {
    throw ValueError(
        "DistributedSampler: an empty dataset cannot be padded to equal shards; pass "
        "drop_last(true) for empty shards");
  }
  per_rank_ = options_.drop_last_ ? dataset_size / num_replicas
                                  : (dataset_size + num_replicas - 1) / num_replicas;
}

void DistributedSampler::set_epoch(int64_t epoch) {
  if (epoch < 0) {
    throw ValueError(
        fmt::format("DistributedSampler::set_epoch: epoch must be >= 0, got {}", epoch));
  }
  epoch_ = epoch;
}

std::vector<int64_t> DistributedSampler::indices(int64_t epoch) const {
  std::vector<int64_t> order;
  if (options_.shuffle_) {
    order = seeded_permutation(dataset_size_, options_.seed_, epoch);
  } else {
    order.resize(static_cast<size_t>(dataset_size_));
    std::iota(order.begin(), order.end(), int64_t{0});
  }
  const auto total = static_cast<size_t>(per_rank_ * num_replicas_);
  // Padding repeats the order from its start (more than once when the dataset is smaller than
  // the number of ranks); dropping cuts the tail.
  const size_t n = order.size();
  for (size_t i = n; i < total; ++i) order.push_back(order[i % n]);
  order.resize(total);
  std::vector<int64_t> shard;
  shard.reserve(static_cast<size_t>(per_rank_));
  for (size_t i = static_cast<size_t>(rank_); i < total; i += static_cast<size_t>(num_replicas_))
    shard.push_back(order[i]);
  return shard;
}

}  // namespace xgrad::data
