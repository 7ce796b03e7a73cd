// Collectives across ranks: values, roots, and mismatches reported on every rank (never a
// hang), after which the job can still communicate.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace dist = xgrad::dist;

namespace {
int R() {
  return dist::world_size();
}
int me() {
  return dist::rank();
}
}  // namespace

TEST(Collectives, RunsInAJobOfSeveral) {
  EXPECT_GE(R(), 2) << "run this suite under mpirun -np 2 or more";
  EXPECT_TRUE(dist::is_distributed());
  EXPECT_TRUE(dist::built_with_mpi());
}

TEST(Collectives, AllReduceSumMeanMax) {
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    auto t = xg::tensor({1.0 * me(), 2.0, -1.0 * me()}, dtype);
    dist::all_reduce(t, "sum");
    const double s = R() * (R() - 1) / 2.0;
    EXPECT_EQ(t.to_vector(), (std::vector<double>{s, 2.0 * R(), -s}));
    auto m = xg::tensor({1.0 * me(), 3.0}, dtype);
    dist::all_reduce(m, "mean");
    EXPECT_DOUBLE_EQ(m.to_vector()[0], s / R());
    EXPECT_EQ(m.to_vector()[1], 3.0);  // the mean of equal values is exact
    auto x = xg::tensor({1.0 * me(), -1.0 * me()}, dtype);
    dist::all_reduce(x, "max");
    EXPECT_EQ(x.to_vector(), (std::vector<double>{R() - 1.0, 0.0}));
  }
  auto i = xg::tensor({1.0 * me()}).to(xg::kInt64);
  dist::all_reduce(i, "sum");
  EXPECT_EQ(i.to_vector()[0], R() * (R() - 1) / 2.0);
  EXPECT_DOUBLE_EQ(dist::all_reduce(1.0 + me(), "mean"), (R() + 1) / 2.0);
}

TEST(Collectives, LargeBufferAllReduce) {
  auto t = xg::full({1 << 20}, 1.0 + me());
  dist::all_reduce(t, "sum");
  const auto v = t.to_vector();
  const double expected = R() + R() * (R() - 1) / 2.0;
  EXPECT_EQ(v.front(), expected);
  EXPECT_EQ(v.back(), expected);
}

TEST(Collectives, BroadcastFromEveryRoot) {
  for (int root = 0; root < R(); ++root) {
    auto t = xg::full({2, 3}, 10.0 * me(), xg::kFloat64);
    dist::broadcast(t, root);
    EXPECT_EQ(t.to_vector(), std::vector<double>(6, 10.0 * root));
  }
}

TEST(Collectives, AllGatherStacksInRankOrder) {
  auto t = xg::full({2}, 1.0 * me());
  auto all = dist::all_gather(t);
  EXPECT_EQ(all.shape(), (xg::Shape{R(), 2}));
  for (int r = 0; r < R(); ++r)
    EXPECT_EQ(all[r].to_vector(), (std::vector<double>{1.0 * r, 1.0 * r}));
  dist::barrier();
}

TEST(Collectives, ShapeMismatchIsAShapeErrorOnEveryRank) {
  auto t = xg::zeros({me() == 0 ? 3 : 4});
  try {
    dist::all_reduce(t, "sum");
    ADD_FAILURE() << "expected a ShapeError";
  } catch (const xg::ShapeError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rank 0: all_reduce(\"sum\") of a float32 tensor [3]"), std::string::npos)
        << what;
    EXPECT_NE(what.find("rank 1: all_reduce(\"sum\") of a float32 tensor [4]"), std::string::npos)
        << what;
  }
  // Nothing was exchanged; the job goes on.
  auto ok = xg::ones({2});
  dist::all_reduce(ok, "sum");
  EXPECT_EQ(ok.to_vector()[0], R());
}

TEST(Collectives, DTypeMismatchIsADTypeError) {
  auto t = xg::zeros({2}, me() == 0 ? xg::kFloat32 : xg::kFloat64);
  EXPECT_THROW(dist::broadcast(t, 0), xg::DTypeError);
}

TEST(Collectives, DifferentCollectivesAreAValueError) {
  auto t = xg::zeros({2});
  try {
    if (me() == 0) {
      dist::all_reduce(t, "sum");
    } else {
      dist::broadcast(t, 0);
    }
    ADD_FAILURE() << "expected a ValueError";
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("broadcast(root 0)"), std::string::npos) << e.what();
  }
  try {
    if (me() == 0) {
      dist::barrier();
    } else {
      dist::all_reduce(t, "max");
    }
    ADD_FAILURE() << "expected a ValueError";
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("barrier()"), std::string::npos) << e.what();
  }
  dist::barrier();
}
