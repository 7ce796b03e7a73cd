#include "dataloader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>

#include "../core/error.hpp"
#include "../core/grad_mode.hpp"
#include "prefetcher.hpp"

namespace xgrad::data {
namespace {

// A uniform integer in [0, n) by rejection, so that the permutations are the same with every
// standard library (std::uniform_int_distribution and std::shuffle are implementation-defined).
uint64_t uniform_below(std::mt19937_64& engine, uint64_t n) {
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  uint64_t r;
  do r = engine();
  while (r >= limit);
  return r % n;
}

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
}

DataLoader::~DataLoader() = default;
DataLoader::DataLoader(DataLoader&&) noexcept = default;
DataLoader& DataLoader::operator=(DataLoader&&) noexcept = default;

int64_t DataLoader::num_examples() const {
  return dataset_->size();
}

int64_t DataLoader::size() const {
  const int64_t n = dataset_->size(), b = options_.batch_size_;
  return options_.drop_last_ ? n / b : (n + b - 1) / b;
}

void DataLoader::set_epoch(int64_t e) {
  if (e < 0) throw ValueError(fmt::format("DataLoader::set_epoch: epoch must be >= 0, got {}", e));
  next_epoch_ = e;
}

std::vector<int64_t> DataLoader::permutation(int64_t e) const {
  std::vector<int64_t> order(static_cast<size_t>(dataset_->size()));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (!options_.shuffle_) return order;
  const uint64_t s = options_.seed_, ue = static_cast<uint64_t>(e);
  std::seed_seq seq{uint32_t(s), uint32_t(s >> 32), uint32_t(ue), uint32_t(ue >> 32)};
  std::mt19937_64 engine(seq);
  for (size_t i = order.size(); i > 1; --i) {  // Fisher-Yates
    std::swap(order[i - 1], order[uniform_below(engine, i)]);
  }
  return order;
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
