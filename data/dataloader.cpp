#include <xgrad/data/dataloader.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/data/detail/prefetcher.hpp>
#include <xgrad/data/permutation.hpp>

namespace xgrad::data {
namespace {

// The indices of batch `batch` (batch_size b) in an epoch's order.
std::vector<int64_t> batch_slice(const std::vector<int64_t>& order, int64_t batch, int64_t b) {
  const auto first = order.begin() + batch * b;
  const auto last = order.begin() + std::min<int64_t>((batch + 1) * b, int64_t(order.size()));
  return std::vector<int64_t>(first, last);
}

}  // namespace

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions options)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw ValueError("DataLoader: the dataset is null");
  if (options_.batch_size_ <= 0) {
    throw ValueError(
        fmt::format("DataLoader: batch_size must be > 0, got {}", options_.batch_size_));
  }
  if (options_.sampler_ && options_.shuffle_) {
    throw ValueError(
        "DataLoader: shuffle(true) together with a sampler; the sampler decides the order "
        "(DistributedSampler shuffles itself), so leave shuffle off");
  }
}

DataLoader::~DataLoader() = default;
DataLoader::DataLoader(DataLoader&&) noexcept = default;
DataLoader& DataLoader::operator=(DataLoader&&) noexcept = default;

int64_t DataLoader::num_examples() const {
  return dataset_->size();
}

int64_t DataLoader::size() const {
  const int64_t n = options_.sampler_ ? options_.sampler_->size() : dataset_->size();
  const int64_t b = options_.batch_size_;
  return options_.drop_last_ ? n / b : (n + b - 1) / b;
}

void DataLoader::set_epoch(int64_t e) {
  if (e < 0) throw ValueError(fmt::format("DataLoader::set_epoch: epoch must be >= 0, got {}", e));
  next_epoch_ = e;
}

std::vector<int64_t> DataLoader::permutation(int64_t e) const {
  if (options_.sampler_) {
    std::vector<int64_t> order = options_.sampler_->indices(e);
    const int64_t n = dataset_->size();
    for (int64_t i : order) {
      if (i < 0 || i >= n) {
        throw IndexError(fmt::format(
            "DataLoader: the sampler gave index {} for a dataset of {} examples (was it made "
            "for another dataset?)",
            i, n));
      }
    }
    return order;
  }
  if (!options_.shuffle_) {
    std::vector<int64_t> order(static_cast<size_t>(dataset_->size()));
    std::iota(order.begin(), order.end(), int64_t{0});
    return order;
  }
  return seeded_permutation(dataset_->size(), options_.seed_, e);
}

std::vector<int64_t> DataLoader::batch_indices(int64_t batch) const {
  return batch_slice(order_, batch, options_.batch_size_);
}

void DataLoader::stop_prefetch() {
  prefetcher_.reset();  // joins the thread
}

DataLoader::iterator DataLoader::begin() {
  stop_prefetch();  // a loop left early (break) leaves its thread behind
  current_ = Batch{};
  order_ = permutation(next_epoch_);
  ++next_epoch_;
  position_ = 0;
  const int64_t batches = size();
  if (batches == 0) return end();
  if (options_.prefetch_) {
    // The thread gets its own copies: it never touches the loader, which may move.
    prefetcher_ = std::make_unique<Prefetcher>(
        batches, [dataset = dataset_, order = order_, b = options_.batch_size_](int64_t batch) {
          return dataset->get_batch(batch_slice(order, batch, b));
        });
    current_ = prefetcher_->next();
  } else {
    NoGradGuard no_grad;
    current_ = dataset_->get_batch(batch_indices(0));
  }
  return iterator(this, 0);
}

DataLoader::iterator DataLoader::end() {
  return iterator(this, size());
}

Batch& DataLoader::current() {
  return current_;
}

void DataLoader::advance() {
  ++position_;
  if (position_ >= size()) {
    stop_prefetch();
    current_ = Batch{};  // frees the last batch's memory
    return;
  }
  if (prefetcher_) {
    current_ = prefetcher_->next();
  } else {
    NoGradGuard no_grad;
    current_ = dataset_->get_batch(batch_indices(position_));
  }
}

Batch& DataLoader::iterator::operator*() const {
  return loader_->current();
}

DataLoader::iterator& DataLoader::iterator::operator++() {
  loader_->advance();
  index_ = loader_->position_;
  return *this;
}

}  // namespace xgrad::data
