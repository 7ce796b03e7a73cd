#pragma once
// The seeded permutation behind shuffling (DataLoader, DistributedSampler): the same for a
// given seed and epoch on every machine and standard library, so that every rank of a
// distributed job draws the same order without communicating.
#include <cstdint>
#include <vector>

namespace xgrad::data {

/// A permutation of 0..n-1 fixed by (seed, epoch).  Example: seeded_permutation(10, 42, 0)
std::vector<int64_t> seeded_permutation(int64_t n, uint64_t seed, int64_t epoch);

}  // namespace xgrad::data
