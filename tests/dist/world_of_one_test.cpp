// xgrad::dist in a process not started by mpirun: a world of one where every collective
// leaves its data as it is, with the same argument checks as in a job.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace dist = xgrad::dist;

TEST(WorldOfOne, InitGivesRankZeroOfOne) {
  dist::init();
  dist::init();  // again: nothing happens
  EXPECT_TRUE(dist::is_initialized());
  EXPECT_EQ(dist::rank(), 0);
  EXPECT_EQ(dist::world_size(), 1);
  EXPECT_FALSE(dist::is_distributed());
  EXPECT_NE(dist::describe().find("rank 0 of 1"), std::string::npos);
}

TEST(WorldOfOne, CollectivesLeaveTheDataAndBumpTheVersion) {
  auto t = xg::tensor({1.0, -2.0, 3.0});
  for (const char* op : {"sum", "mean", "max"}) {
    const auto before = t.version();
    dist::all_reduce(t, op);
    EXPECT_EQ(t.to_vector(), (std::vector<double>{1, -2, 3})) << op;
    EXPECT_GT(t.version(), before);
  }
  dist::broadcast(t, 0);
  EXPECT_EQ(t.to_vector(), (std::vector<double>{1, -2, 3}));
  auto all = dist::all_gather(t.reshape({3, 1}));
  EXPECT_EQ(all.shape(), (xg::Shape{1, 3, 1}));
  EXPECT_EQ(all.to_vector(), (std::vector<double>{1, -2, 3}));
  EXPECT_EQ(dist::all_reduce(2.5, "mean"), 2.5);
  dist::barrier();
}

TEST(WorldOfOne, BadArgumentsAreTypedErrors) {
  auto t = xg::tensor({1.0});
  EXPECT_THROW(dist::all_reduce(t, "avg"), xg::ValueError);
  EXPECT_THROW(dist::all_reduce(xg::tensor({1.0}).to(xg::kInt64), "mean"), xg::DTypeError);
  EXPECT_THROW(dist::all_reduce(xg::Tensor(), "sum"), xg::ValueError);
  EXPECT_THROW(dist::broadcast(t, 1), xg::ValueError);
  EXPECT_THROW(dist::broadcast(t, -1), xg::ValueError);
  EXPECT_THROW(dist::all_gather(xg::Tensor()), xg::ValueError);
  try {
    dist::all_reduce(t, "avg");
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("sum, mean, max"), std::string::npos) << e.what();
  }
}

TEST(WorldOfOne, RunReturnsTheBodyStatus) {
  int argc = 1;
  char name[] = "test";
  char* args[] = {name, nullptr};
  char** argv = args;
  EXPECT_EQ(dist::run(argc, argv, [] { return 0; }), 0);
  EXPECT_EQ(dist::run(argc, argv, [] { return 3; }), 3);
}
