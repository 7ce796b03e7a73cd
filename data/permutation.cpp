#include <xgrad/data/permutation.hpp>

#include <limits>
#include <numeric>
#include <random>

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

}  // namespace

std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  const uint64_t ue = static_cast<uint64_t>(epoch);
  std::seed_seq seq{uint32_t(seed), uint32_t(seed >> 32), uint32_t(ue), uint32_t(ue >> 32)};
  std::mt19937_64 engine(seq);
  for (size_t i = order.size(); i > 1; --i) {  // Fisher-Yates
    std::swap(order[i - 1], order[uniform_below(engine, i)]);
  }
  return order;
}

}  // namespace xgrad::data
