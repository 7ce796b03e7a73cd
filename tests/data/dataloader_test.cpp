// DataLoader: batching, drop_last, seeded shuffling per epoch, prefetch equivalence, errors
// raised in the background thread, and clean shutdown mid-epoch.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <xgrad/data/dataloader.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

// n examples: input [i, 2i] float32, target i int64.
xd::TensorDataset numbered(int64_t n) {
  std::vector<double> x;
  std::vector<int64_t> y;
  for (int64_t i = 0; i < n; ++i) {
    x.push_back(double(i));
    x.push_back(2.0 * i);
    y.push_back(i);
  }
  return xd::TensorDataset(xg::tensor(x, {n, 2}), xg::tensor(y, {n}));
}

// The targets of every batch of one epoch.
std::vector<std::vector<int64_t>> epoch_targets(xd::DataLoader& loader) {
  std::vector<std::vector<int64_t>> out;
  for (auto& [x, y] : loader) {
    EXPECT_EQ(x.size(0), y.size(0));
    // Inputs travel with their targets.
    for (int64_t r = 0; r < y.size(0); ++r) EXPECT_EQ(x.at({r, 1}), 2.0 * y.at({r}));
    std::vector<int64_t> ys(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
    out.push_back(ys);
  }
  return out;
}

TEST(DataLoader, SequentialBatchesAndSize) {
  xd::DataLoader loader(numbered(10), xd::DataLoaderOptions().batch_size(4));
  EXPECT_EQ(loader.size(), 3);
  EXPECT_EQ(loader.num_examples(), 10);
  const auto batches = epoch_targets(loader);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(batches[2], (std::vector<int64_t>{8, 9}));
}

TEST(DataLoader, DropLastSkipsTheShortBatch) {
  xd::DataLoader loader(numbered(10), xd::DataLoaderOptions().batch_size(4).drop_last(true));
  EXPECT_EQ(loader.size(), 2);
  EXPECT_EQ(epoch_targets(loader).size(), 2u);
  xd::DataLoader exact(numbered(8), xd::DataLoaderOptions().batch_size(4).drop_last(true));
  EXPECT_EQ(exact.size(), 2);
  xd::DataLoader too_few(numbered(3), xd::DataLoaderOptions().batch_size(4).drop_last(true));
  EXPECT_EQ(too_few.size(), 0);
  EXPECT_TRUE(epoch_targets(too_few).empty());
}

TEST(DataLoader, ShuffleVisitsEveryExampleOncePerEpochInANewOrder) {
  xd::DataLoader loader(numbered(50), xd::DataLoaderOptions().batch_size(7).shuffle(true).seed(3));
  std::vector<std::vector<int64_t>> orders;
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> order;
    for (const auto& b : epoch_targets(loader)) order.insert(order.end(), b.begin(), b.end());
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> all(50);
    for (int i = 0; i < 50; ++i) all[i] = i;
    EXPECT_EQ(sorted, all);
    orders.push_back(order);
  }
  EXPECT_EQ(loader.epoch(), 3);
  EXPECT_NE(orders[0], orders[1]);
  EXPECT_NE(orders[1], orders[2]);
  std::vector<int64_t> identity(50);
  for (int i = 0; i < 50; ++i) identity[i] = i;
  EXPECT_NE(orders[0], identity);
}

TEST(DataLoader, SameSeedSameEpochsOtherSeedOtherOrder) {
  auto opts = xd::DataLoaderOptions().batch_size(5).shuffle(true).seed(42);
  xd::DataLoader a(numbered(30), opts), b(numbered(30), opts);
  xd::DataLoader c(numbered(30), xd::DataLoaderOptions(opts).seed(43));
  for (int epoch = 0; epoch < 3; ++epoch) {
    const auto ea = epoch_targets(a), eb = epoch_targets(b), ec = epoch_targets(c);
    EXPECT_EQ(ea, eb) << "epoch " << epoch;
    EXPECT_NE(ea, ec) << "epoch " << epoch;
  }
  // set_epoch replays an epoch; permutation(e) is what that epoch uses.
  a.set_epoch(1);
  const auto replay = epoch_targets(a);
  std::vector<int64_t> flat;
  for (const auto& bt : replay) flat.insert(flat.end(), bt.begin(), bt.end());
  EXPECT_EQ(flat, a.permutation(1));
  EXPECT_THROW(a.set_epoch(-1), xg::ValueError);
}

TEST(DataLoader, PermutationIsFixedAcrossPlatforms) {
  // Pinned values: the shuffle uses its own Fisher-Yates over mt19937_64, not std::shuffle,
  // so these must not change with the standard library.
  xd::DataLoader loader(numbered(8), xd::DataLoaderOptions().shuffle(true).seed(42));
  EXPECT_EQ(loader.permutation(0), (std::vector<int64_t>{7, 2, 4, 5, 1, 0, 3, 6}));
  EXPECT_EQ(loader.permutation(1), (std::vector<int64_t>{3, 4, 1, 2, 5, 0, 7, 6}));
  // Without shuffle: the identity, whatever the epoch.
  xd::DataLoader plain(numbered(4), xd::DataLoaderOptions().seed(42));
  EXPECT_EQ(plain.permutation(5), (std::vector<int64_t>{0, 1, 2, 3}));
}

TEST(DataLoader, PrefetchGivesIdenticalBatches) {
  auto opts = xd::DataLoaderOptions().batch_size(6).shuffle(true).seed(9);
  xd::DataLoader plain(numbered(40), opts);
  xd::DataLoader ahead(numbered(40), xd::DataLoaderOptions(opts).prefetch(true));
  for (int epoch = 0; epoch < 3; ++epoch) {
    EXPECT_EQ(epoch_targets(plain), epoch_targets(ahead)) << "epoch " << epoch;
  }
}

// A dataset whose get_batch throws at one example and counts the batches it built.
class Faulty : public xd::Dataset {
 public:
  explicit Faulty(int64_t bad) : bad_(bad) {}
  int64_t size() const override { return 20; }
  xd::Example get(int64_t i) const override {
    if (i == bad_) throw xg::IOError("Faulty: example " + std::to_string(i) + " is unreadable");
    return {xg::tensor({double(i)}), xg::tensor(std::vector<int64_t>{i}, xg::Shape{})};
  }
  xd::Batch get_batch(const std::vector<int64_t>& indices) const override {
    ++calls;
    return xd::Dataset::get_batch(indices);
  }
  mutable std::atomic<int> calls{0};

 private:
  int64_t bad_;
};

TEST(DataLoader, BackgroundErrorIsRethrownInTheLoopAtItsBatch) {
  for (bool prefetch : {false, true}) {
    auto ds = std::make_shared<Faulty>(13);
    xd::DataLoader loader(ds, xd::DataLoaderOptions().batch_size(4).prefetch(prefetch));
    int seen = 0;
    const auto msg = message_of<xg::IOError>([&] {
      for (auto& [x, y] : loader) {
        EXPECT_EQ(x.size(0), 4);
        ++seen;
      }
    });
    EXPECT_TRUE(Contains(msg, "example 13 is unreadable")) << "prefetch " << prefetch;
    EXPECT_EQ(seen, 3) << "batches 0..2 arrive before the error in batch 3";
    // The loader is still usable: the next epoch starts over (and fails at the same place).
    EXPECT_THROW(for (auto& b : loader)(void) b, xg::IOError);
  }
  // An error in the very first batch surfaces from begin().
  xd::DataLoader first(std::make_shared<Faulty>(0),
                       xd::DataLoaderOptions().batch_size(4).prefetch(true));
  EXPECT_THROW(first.begin(), xg::IOError);
}

TEST(DataLoader, LeavingAnEpochEarlyStopsTheThreadCleanly) {
  auto ds = std::make_shared<Faulty>(-1);
  {
    xd::DataLoader loader(ds, xd::DataLoaderOptions().batch_size(2).prefetch(true));
    for (auto& [x, y] : loader) {
      (void)x;
      break;  // the background thread is one batch ahead here
    }
    // The next epoch starts from its first batch.
    auto it = loader.begin();
    EXPECT_EQ(it->targets.at({0}), 0);
    ++it;
    EXPECT_EQ((*it).targets.at({0}), 2);
  }  // destroyed mid-epoch: joins without hanging
  // Prefetching never runs more than one batch ahead of the consumer.
  EXPECT_LE(ds->calls.load(), 1 + 1 + 2 + 1);
}

TEST(DataLoader, MovedLoaderKeepsWorking) {
  xd::DataLoader a(numbered(9), xd::DataLoaderOptions().batch_size(3).prefetch(true));
  auto it = a.begin();  // a prefetch thread is running
  (void)it;
  xd::DataLoader b(std::move(a));
  EXPECT_EQ(epoch_targets(b).size(), 3u);
}

TEST(DataLoader, SharedDatasetAndBadOptions) {
  auto ds = std::make_shared<xd::TensorDataset>(numbered(5));
  xd::DataLoader loader(ds, xd::DataLoaderOptions().batch_size(10));
  EXPECT_EQ(loader.size(), 1);
  EXPECT_EQ(epoch_targets(loader)[0].size(), 5u);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         xd::DataLoader(numbered(5), xd::DataLoaderOptions().batch_size(0));
                       }),
                       "batch_size must be > 0, got 0"));
  EXPECT_THROW(xd::DataLoader(std::shared_ptr<const xd::Dataset>(), {}), xg::ValueError);
}

TEST(DataLoader, BatchesDoNotRequireGrad) {
  auto x = xg::randn({6, 2}).requires_grad_();
  xd::TensorDataset ds(x, xg::zeros({6}, xg::kInt64));
  xd::DataLoader loader(ds, xd::DataLoaderOptions().batch_size(3));
  for (auto& [xb, yb] : loader) EXPECT_FALSE(xb.requires_grad());
}

}  // namespace
