// Guards against a GCC 12 wrong-code bug that CMakeLists.txt works around
// (-fno-tree-slp-vectorize with -march=native on AVX-512 CPUs): basic-block SLP turned
// {x, x, 0, 0} of 64-bit values into a broadcast of x to all four. Without the workaround these
// literals read back as {3, 3, 3, 3} on this machine; a tensor test first met it.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

TEST(CompilerGuard, RepeatedThenZeroLiteralsKeepTheirZeros) {
  const std::vector<int64_t> ints{3, 3, 0, 0};
  EXPECT_EQ(ints[2], 0);
  EXPECT_EQ(ints[3], 0);
  const std::vector<double> doubles{3, 3, 0, 0};
  EXPECT_EQ(doubles[2], 0.0);
  EXPECT_EQ(doubles[3], 0.0);
}

}  // namespace
