// main() of the MPI suite: every rank runs every test, in the same order (the tests make
// collective calls); the exit status is non-zero on every rank when a test failed on any.
// Only rank 0 prints the full report; the others print their failures.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

int main(int argc, char** argv) {
  xgrad::dist::init(argc, argv);
  if (xgrad::dist::rank() != 0) GTEST_FLAG_SET(brief, true);  // read by InitGoogleTest
  testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  const double any = xgrad::dist::all_reduce(static_cast<double>(failed), "max");
  return any > 0 ? 1 : 0;
}
