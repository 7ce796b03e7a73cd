// DistributedSampler: disjoint equal shards that cover the dataset, reshuffled per epoch, and
// the DataLoader drawing from a sampler. Every rank is simulated in this one process.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace data = xgrad::data;

namespace {

std::vector<std::vector<int64_t>> shards(int64_t n, int64_t ranks, int64_t epoch,
                                         data::DistributedSamplerOptions o = {}) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t r = 0; r < ranks; ++r)
    out.push_back(data::DistributedSampler(n, ranks, r, o).indices(epoch));
  return out;
}

std::map<int64_t, int> counts(const std::vector<std::vector<int64_t>>& s) {
  std::map<int64_t, int> c;
  for (const auto& shard : s)
    for (int64_t i : shard) ++c[i];
  return c;
}

}  // namespace

TEST(DistributedSampler, EvenSplitCoversEveryExampleExactlyOnce) {
  for (int64_t ranks : {1, 2, 3, 4, 6}) {
    auto s = shards(12, ranks, 0);
    auto c = counts(s);
    ASSERT_EQ(c.size(), 12u) << ranks;
    for (auto [index, n] : c) {
      EXPECT_EQ(n, 1) << "index " << index << " with " << ranks << " ranks";
      EXPECT_TRUE(index >= 0 && index < 12);
    }
    for (const auto& shard : s) EXPECT_EQ(static_cast<int64_t>(shard.size()), 12 / ranks);
  }
}

TEST(DistributedSampler, UnevenSplitPadsWithTheFirstIndicesOfTheOrder) {
  const auto order = data::seeded_permutation(10, 0, 0);
  auto s = shards(10, 3, 0);
  for (const auto& shard : s) EXPECT_EQ(shard.size(), 4u);  // ceil(10 / 3)
  auto c = counts(s);
  EXPECT_EQ(c.size(), 10u);
  EXPECT_EQ(c[order[0]], 2);  // the two padding entries repeat the order's start
  EXPECT_EQ(c[order[1]], 2);
  int total = 0;
  for (auto [index, n] : c) total += n;
  EXPECT_EQ(total, 12);
}

TEST(DistributedSampler, DropLastGivesDisjointEqualShards) {
  auto s = shards(10, 3, 0, data::DistributedSamplerOptions().drop_last(true));
  auto c = counts(s);
  EXPECT_EQ(c.size(), 9u);
  for (auto [index, n] : c) EXPECT_EQ(n, 1);
  for (const auto& shard : s) EXPECT_EQ(shard.size(), 3u);
}

TEST(DistributedSampler, FewerExamplesThanRanksRepeatsThem) {
  auto s = shards(2, 5, 0);
  auto c = counts(s);
  EXPECT_EQ(c.size(), 2u);
  for (const auto& shard : s) EXPECT_EQ(shard.size(), 1u);
}

TEST(DistributedSampler, EpochsReshuffleAndSeedsFixThem) {
  data::DistributedSampler a(100, 2, 0, data::DistributedSamplerOptions().seed(5));
  data::DistributedSampler b(100, 2, 0, data::DistributedSamplerOptions().seed(5));
  data::DistributedSampler other(100, 2, 0, data::DistributedSamplerOptions().seed(6));
  EXPECT_EQ(a.indices(0), b.indices(0));
  EXPECT_NE(a.indices(0), a.indices(1));
  EXPECT_NE(a.indices(0), other.indices(0));
  a.set_epoch(3);
  EXPECT_EQ(a.epoch(), 3);
  EXPECT_EQ(a.indices(), b.indices(3));
  EXPECT_THROW(a.set_epoch(-1), xg::ValueError);
}

TEST(DistributedSampler, WithoutShuffleDealsRoundRobin) {
  data::DistributedSampler s(7, 3, 1, data::DistributedSamplerOptions().shuffle(false));
  EXPECT_EQ(s.indices(0), (std::vector<int64_t>{1, 4, 0}));  // 0..6 padded with 0, 1
}

TEST(DistributedSampler, BadArgumentsAreValueErrors) {
  EXPECT_THROW(data::DistributedSampler(10, 0, 0), xg::ValueError);
  EXPECT_THROW(data::DistributedSampler(10, 2, 2), xg::ValueError);
  EXPECT_THROW(data::DistributedSampler(10, 2, -1), xg::ValueError);
  EXPECT_THROW(data::DistributedSampler(-1, 2, 0), xg::ValueError);
  EXPECT_THROW(data::DistributedSampler(0, 2, 0), xg::ValueError);
  EXPECT_EQ(data::DistributedSampler(0, 2, 0, data::DistributedSamplerOptions().drop_last(true))
                .indices(0)
                .size(),
            0u);
}

TEST(DataLoaderWithSampler, BatchesTheShardAndFollowsTheLoaderEpoch) {
  auto x = xg::arange(0, 20, 1, xg::kFloat64).reshape({20, 1});
  data::TensorDataset ds(x, x);
  auto sampler = std::make_shared<data::DistributedSampler>(20, 2, 1);
  data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(4).sampler(sampler));
  EXPECT_EQ(loader.size(), 3);  // 10 examples in batches of 4
  for (int64_t epoch = 0; epoch < 2; ++epoch) {
    std::vector<int64_t> seen;
    for (auto& [xb, yb] : loader)
      for (double v : xb.to_vector()) seen.push_back(static_cast<int64_t>(v));
    EXPECT_EQ(seen, sampler->indices(epoch));
  }
}

TEST(DataLoaderWithSampler, RanksTogetherMakeTheSingleProcessBatches) {
  // Batch k of a single process shuffling with seed s and batch size R * b is the union of
  // batch k of the R ranks' loaders over DistributedSampler(seed s) with batch size b.
  const int64_t n = 24, ranks = 3, b = 2;
  auto x = xg::arange(0, n, 1, xg::kFloat64).reshape({n, 1});
  data::TensorDataset ds(x, x);
  data::DataLoader single(ds,
                          data::DataLoaderOptions().batch_size(ranks * b).shuffle(true).seed(9));
  std::vector<std::vector<double>> expected;
  for (auto& [xb, yb] : single) {
    auto v = xb.to_vector();
    std::sort(v.begin(), v.end());
    expected.push_back(v);
  }
  std::vector<std::vector<double>> got(expected.size());
  for (int64_t r = 0; r < ranks; ++r) {
    auto s = std::make_shared<data::DistributedSampler>(n, ranks, r,
                                                        data::DistributedSamplerOptions().seed(9));
    data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(b).sampler(s));
    size_t k = 0;
    for (auto& [xb, yb] : loader) {
      for (double v : xb.to_vector()) got[k].push_back(v);
      ++k;
    }
  }
  for (auto& v : got) std::sort(v.begin(), v.end());
  EXPECT_EQ(got, expected);
}

TEST(DataLoaderWithSampler, RefusesShuffleAndForeignIndices) {
  auto x = xg::zeros({5, 1});
  data::TensorDataset ds(x, x);
  auto sampler = std::make_shared<data::DistributedSampler>(50, 1, 0);
  EXPECT_THROW(data::DataLoader(ds, data::DataLoaderOptions().shuffle(true).sampler(sampler)),
               xg::ValueError);
  data::DataLoader loader(ds, data::DataLoaderOptions().sampler(sampler));
  EXPECT_THROW(loader.begin(), xg::IndexError);
}
