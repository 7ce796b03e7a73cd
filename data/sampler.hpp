#pragma once
// Samplers: which examples of a dataset an epoch visits, and in which order. A DataLoader with
// a sampler (DataLoaderOptions::sampler) batches the sampler's indices instead of the whole
// dataset's.
//
// DistributedSampler gives each rank of a distributed job its own shard of every epoch, as
// PyTorch's does: all ranks draw the same seeded permutation (no communication), pad it by
// repeating its first indices (or drop its tail) to a multiple of the number of ranks, and
// rank r takes positions r, r + R, r + 2R, ... With the same seed, the union of the ranks'
// batch k is exactly batch k of a single process shuffling with DataLoaderOptions().seed(seed)
// and R times the batch size (when the dataset divides evenly).
//
//   auto shard = std::make_shared<DistributedSampler>(train.size(), dist::world_size(),
//                                                     dist::rank(),
//                                                     DistributedSamplerOptions().seed(42));
//   DataLoader loader(train, DataLoaderOptions().batch_size(64).sampler(shard));
#include <cstdint>
#include <vector>

namespace xgrad::data {

/// The interface a DataLoader reads: the indices of each epoch.
class Sampler {
 public:
  virtual ~Sampler() = default;
  /// The dataset indices of epoch `epoch`, in the order they are visited.
  virtual std::vector<int64_t> indices(int64_t epoch) const = 0;
  /// How many indices every epoch has.
  virtual int64_t size() const = 0;
};

/// How a DistributedSampler shards; setters chain.
struct DistributedSamplerOptions {
  /// A fresh permutation every epoch (else the dataset's order, dealt round-robin).
  DistributedSamplerOptions& shuffle(bool on) {
    shuffle_ = on;
    return *this;
  }
  /// Fixes the permutations (it must be the same on every rank).
  DistributedSamplerOptions& seed(uint64_t s) {
    seed_ = s;
    return *this;
  }
  /// Equal shards by dropping the last dataset_size % num_replicas examples of each epoch's
  /// order, instead of padding with repeats of its first ones.
  DistributedSamplerOptions& drop_last(bool on) {
    drop_last_ = on;
    return *this;
  }

  bool shuffle_ = true;
  uint64_t seed_ = 0;
  bool drop_last_ = false;
};

class DistributedSampler : public Sampler {
 public:
  /// This rank's shard of a dataset of `dataset_size` examples split over `num_replicas` ranks.
  /// ValueError for num_replicas < 1, rank outside [0, num_replicas), a negative size, or an
  /// empty dataset with padding (nothing to repeat).
  DistributedSampler(int64_t dataset_size, int64_t num_replicas, int64_t rank,
                     DistributedSamplerOptions options = {});

  /// This rank's indices for epoch `epoch`, every rank's list of the same length.
  std::vector<int64_t> indices(int64_t epoch) const override;
  /// The indices of the epoch chosen with set_epoch() (for use without a DataLoader; a loader
  /// passes its own epoch).
  std::vector<int64_t> indices() const { return indices(epoch_); }
  /// Chooses the epoch (so the permutation) indices() gives.  Example: sampler.set_epoch(3);
  void set_epoch(int64_t epoch);
  int64_t epoch() const { return epoch_; }
  /// Indices per rank and epoch: ceil(dataset_size / num_replicas), floor with drop_last.
  int64_t size() const override { return per_rank_; }
  int64_t num_replicas() const { return num_replicas_; }
  int64_t rank() const { return rank_; }

 private:
  int64_t dataset_size_, num_replicas_, rank_;
  DistributedSamplerOptions options_;
  int64_t per_rank_;
  int64_t epoch_ = 0;
};

}  // namespace xgrad::data
