#pragma once
// DataLoader: batches from a Dataset, optionally shuffled (a new permutation each epoch, all of
// them fixed by the seed) and optionally loaded one batch ahead on a background thread.
//
//   DataLoader loader(train, DataLoaderOptions().batch_size(64).shuffle(true).seed(42));
//   for (int epoch = 0; epoch < 10; ++epoch)
//     for (auto& [x, y] : loader) { ... }        // each for-loop is one epoch
//
// Batches are the same with and without prefetch. An error raised while loading in the
// background is rethrown in the loop that asked for that batch.
#include <cstdint>
#include <iterator>
#include <memory>
#include <type_traits>
#include <vector>

#include <xgrad/data/dataset.hpp>
#include <xgrad/data/sampler.hpp>

namespace xgrad::data {

/// How a DataLoader batches; setters chain.
///   DataLoaderOptions().batch_size(128).shuffle(true).seed(7).drop_last(true)
struct DataLoaderOptions {
  /// Examples per batch (> 0; the last batch may be smaller unless drop_last).
  DataLoaderOptions& batch_size(int64_t n) {
    batch_size_ = n;
    return *this;
  }
  /// A fresh random order every epoch (else the dataset's order).
  DataLoaderOptions& shuffle(bool on) {
    shuffle_ = on;
    return *this;
  }
  /// Fixes the sequence of permutations: same seed, same epochs.
  DataLoaderOptions& seed(uint64_t s) {
    seed_ = s;
    return *this;
  }
  /// Skips the last batch when it would be smaller than batch_size.
  DataLoaderOptions& drop_last(bool on) {
    drop_last_ = on;
    return *this;
  }
  /// Loads the next batch on a background thread while the current one is used.
  DataLoaderOptions& prefetch(bool on) {
    prefetch_ = on;
    return *this;
  }
  /// Draws the examples of each epoch from `s` (e.g. this rank's DistributedSampler shard)
  /// instead of the whole dataset; the loader's epoch is passed to it. Not with shuffle(true).
  ///   DataLoaderOptions().batch_size(64).sampler(std::make_shared<DistributedSampler>(...))
  DataLoaderOptions& sampler(std::shared_ptr<const Sampler> s) {
    sampler_ = std::move(s);
    return *this;
  }

  int64_t batch_size_ = 32;
  bool shuffle_ = false;
  uint64_t seed_ = 0;
  bool drop_last_ = false;
  bool prefetch_ = false;
  std::shared_ptr<const Sampler> sampler_;
};

class Prefetcher;

/// Iterates over a dataset in batches. One iteration at a time per loader; each begin()
/// starts the next epoch (set_epoch() chooses it).
class DataLoader {
 public:
  /// ValueError for a batch size <= 0 or a null dataset.
  DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options = {});
  /// Takes a copy of a concrete dataset (cheap for TensorDataset: tensors are handles).
  ///   Example: DataLoader loader(xgrad::data::load_mnist(dir),
  ///   DataLoaderOptions().batch_size(64));
  template <class D, class = std::enable_if_t<std::is_base_of_v<Dataset, std::decay_t<D>>>>
  DataLoader(D&& dataset, DataLoaderOptions options = {})
      : DataLoader(std::make_shared<std::decay_t<D>>(std::forward<D>(dataset)), options) {}
  ~DataLoader();
  DataLoader(DataLoader&&) noexcept;
  DataLoader& operator=(DataLoader&&) noexcept;

  /// Input iterator over the batches of one epoch; *it is the current Batch.
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = Batch*;
    using reference = Batch&;

    Batch& operator*() const;
    Batch* operator->() const { return &**this; }
    iterator& operator++();
    bool operator==(const iterator& other) const { return index_ == other.index_; }
    bool operator!=(const iterator& other) const { return index_ != other.index_; }

   private:
    friend class DataLoader;
    iterator(DataLoader* loader, int64_t index) : loader_(loader), index_(index) {}
    DataLoader* loader_;
    int64_t index_;
  };

  /// Starts the next epoch (new permutation when shuffling) and loads its first batch.
  iterator begin();
  iterator end();

  /// Number of batches per epoch (of the sampler's examples when there is one).
  ///   Example: ProgressBar bar(loader.size());
  int64_t size() const;
  /// The dataset's size.
  int64_t num_examples() const;
  /// The epoch the next begin() starts (0 first; each begin() advances it).
  int64_t epoch() const { return next_epoch_; }
  /// Makes the next begin() start epoch `e` (its permutation is fixed by seed and e).
  void set_epoch(int64_t e);
  const DataLoaderOptions& options() const { return options_; }
  const Dataset& dataset() const { return *dataset_; }

  /// The examples of epoch `e` in order: the sampler's, a seeded permutation when shuffling,
  /// else the identity. IndexError when the sampler names an example the dataset lacks.
  std::vector<int64_t> permutation(int64_t e) const;

 private:
  Batch& current();
  void advance();
  void stop_prefetch();
  std::vector<int64_t> batch_indices(int64_t batch) const;

  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  int64_t next_epoch_ = 0;
  std::vector<int64_t> order_;  // this epoch's permutation
  int64_t position_ = 0;        // index of the current batch
  Batch current_;
  std::unique_ptr<Prefetcher> prefetcher_;
};

}  // namespace xgrad::data
