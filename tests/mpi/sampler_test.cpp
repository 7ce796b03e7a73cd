// DistributedSampler in a real job: the ranks' shards, gathered, cover the dataset exactly once
// (or once plus the padding, or once minus the dropped tail when it does not divide evenly).
#include <gtest/gtest.h>

#include <map>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace data = xgrad::data;
namespace dist = xgrad::dist;

namespace {
std::map<int64_t, int> gathered_counts(int64_t n, data::DistributedSamplerOptions o,
                                       int64_t epoch) {
  data::DistributedSampler s(n, dist::world_size(), dist::rank(), o);
  const auto mine = s.indices(epoch);
  std::vector<double> as_double(mine.begin(), mine.end());
  auto all =
      dist::all_gather(xg::tensor(as_double, {static_cast<int64_t>(mine.size())}, xg::kFloat64));
  std::map<int64_t, int> counts;
  for (double v : all.to_vector()) ++counts[static_cast<int64_t>(v)];
  return counts;
}
}  // namespace

TEST(DistributedSamplerJob, EvenShardsCoverTheDatasetExactlyOnce) {
  const int64_t n = 5 * dist::world_size();
  for (int64_t epoch : {0, 1}) {
    auto c = gathered_counts(n, {}, epoch);
    EXPECT_EQ(static_cast<int64_t>(c.size()), n);
    for (auto [index, k] : c) EXPECT_EQ(k, 1) << index;
  }
}

TEST(DistributedSamplerJob, UnevenShardsPadOrDrop) {
  const int64_t R = dist::world_size(), n = 3 * R + 1;  // never divides evenly
  auto padded = gathered_counts(n, {}, 0);
  EXPECT_EQ(static_cast<int64_t>(padded.size()), n);
  int64_t total = 0;
  for (auto [index, k] : padded) total += k;
  EXPECT_EQ(total, 4 * R);  // ceil(n / R) each
  auto dropped = gathered_counts(n, data::DistributedSamplerOptions().drop_last(true), 0);
  EXPECT_EQ(static_cast<int64_t>(dropped.size()), 3 * R);
  for (auto [index, k] : dropped) EXPECT_EQ(k, 1);
}
