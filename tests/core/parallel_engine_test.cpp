// The parallel engine: gradients are bitwise identical for 1, 2 and 4 threads and from run to
// run, on random graphs (wide, deep, diamonds with shared subexpressions, broadcasts, matmuls);
// backward from several user threads at once gives the serial results.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {

/// Restores the thread count when a test ends.
struct ThreadCount {
  int saved = xg::get_num_threads();
  explicit ThreadCount(int n) { xg::set_num_threads(n); }
  ~ThreadCount() { xg::set_num_threads(saved); }
};

struct Leaves {
  std::vector<xg::Tensor> matrices;  // [n, n]
  std::vector<xg::Tensor> vectors;   // [n], broadcast over rows
};

Leaves make_leaves(int64_t n, uint64_t seed) {
  xg::manual_seed(seed);
  Leaves l;
  for (int i = 0; i < 4; ++i) l.matrices.push_back((xg::randn({n, n}) * 0.3).requires_grad_());
  for (int i = 0; i < 2; ++i) l.vectors.push_back(xg::randn({n}).requires_grad_());
  return l;
}

/// A random DAG over the leaves: each new node applies a random op to earlier nodes (so
/// subexpressions are shared), and the loss sums several of them.
xg::Tensor random_graph(const Leaves& leaves, int steps, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<xg::Tensor> pool(leaves.matrices);
  auto pick = [&] { return pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng)]; };
  for (int s = 0; s < steps; ++s) {
    xg::Tensor next;
    switch (std::uniform_int_distribution<int>(0, 6)(rng)) {
      case 0:
        next = pick() + pick();
        break;
      case 1:
        next = pick() * pick();
        break;
      case 2:
        next = xg::matmul(pick(), pick()) * 0.1;
        break;
      case 3:
        next = xg::tanh(pick());
        break;
      case 4:
        next = pick() + leaves.vectors[s % 2];
        break;  // broadcast [n] over [n, n]
      case 5:
        next = xg::sigmoid(pick()) * pick();
        break;
      default:
        next = xg::relu(pick() - 0.1);
        break;
    }
    pool.push_back(next);
  }
  xg::Tensor loss = pool.back().sum();
  for (size_t i = pool.size() - 5; i + 1 < pool.size(); ++i) loss = loss + pool[i].mean();
  return loss;
}

/// Every leaf's gradient, concatenated.
std::vector<double> gradients(const Leaves& leaves, int steps, uint64_t seed) {
  for (const auto& t : leaves.matrices) t.zero_grad();
  for (const auto& t : leaves.vectors) t.zero_grad();
  random_graph(leaves, steps, seed).backward();
  std::vector<double> all;
  for (const auto* group : {&leaves.matrices, &leaves.vectors}) {
    for (const auto& t : *group) {
      if (!t.grad().defined()) continue;
      auto g = t.grad().to_vector();
      all.insert(all.end(), g.begin(), g.end());
    }
  }
  return all;
}

}  // namespace

TEST(ParallelEngine, SetAndGetNumThreads) {
  ThreadCount two(2);
  EXPECT_EQ(xg::get_num_threads(), 2);
  xg::set_num_threads(1);
  EXPECT_EQ(xg::get_num_threads(), 1);
  EXPECT_THROW(xg::set_num_threads(0), xg::ValueError);
}

TEST(ParallelEngine, RandomGraphsBitwiseIdenticalAcrossThreadCounts) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    const int64_t n = seed % 2 ? 16 : 64;
    const int steps = seed <= 3 ? 40 : 120;  // wide and shallow, then deep
    const Leaves leaves = make_leaves(n, seed);
    std::vector<double> reference;
    {
      ThreadCount one(1);
      reference = gradients(leaves, steps, seed);
    }
    ASSERT_FALSE(reference.empty());
    for (int threads : {2, 4}) {
      ThreadCount t(threads);
      EXPECT_EQ(gradients(leaves, steps, seed), reference)
          << "seed " << seed << ", " << threads << " threads";
    }
  }
}

TEST(ParallelEngine, LargeTensorsSplitInsideOpsAreIdenticalAcrossThreadCounts) {
  // 256 x 256: elementwise ops, sums and products are split into chunks inside the ops.
  const Leaves leaves = make_leaves(256, 42);
  std::vector<double> reference;
  {
    ThreadCount one(1);
    reference = gradients(leaves, 30, 42);
  }
  for (int threads : {2, 4}) {
    ThreadCount t(threads);
    EXPECT_EQ(gradients(leaves, 30, 42), reference) << threads << " threads";
  }
}

TEST(ParallelEngine, TwentyRepeatedRunsAreIdentical) {
  ThreadCount two(2);
  const Leaves leaves = make_leaves(32, 7);
  const auto first = gradients(leaves, 80, 7);
  for (int run = 0; run < 20; ++run) EXPECT_EQ(gradients(leaves, 80, 7), first) << "run " << run;
}

TEST(ParallelEngine, DiamondWithSharedSubexpressions) {
  // x -> a -> (b, c, d) -> e, with a feeding every branch and the sum.
  auto diamond_gradient = [](int threads) {
    ThreadCount t(threads);
    auto x = xg::tensor({0.3, -1.2, 2.5}, xg::kFloat64).requires_grad_();
    auto a = x * x;
    auto b = xg::exp(a * 0.1), c = xg::tanh(a), d = a * 3.0;
    (b * c + d * a + c).sum().backward();
    return x.grad().to_vector();
  };
  const auto reference = diamond_gradient(1);
  // d/da (b c + 3a^2 + c) = 0.1 b c + b (1 - c^2) + 6a + (1 - c^2), times da/dx = 2x.
  const double x0 = 0.3, a0 = x0 * x0, b0 = std::exp(0.1 * a0), c0 = std::tanh(a0);
  EXPECT_NEAR(reference[0], (0.1 * b0 * c0 + b0 * (1 - c0 * c0) + 6 * a0 + (1 - c0 * c0)) * 2 * x0,
              1e-12);
  EXPECT_EQ(diamond_gradient(2), reference);
  EXPECT_EQ(diamond_gradient(4), reference);
}

TEST(ParallelEngine, LongChainWithSeveralThreads) {
  ThreadCount two(2);
  auto x = xg::tensor({1.0, 2.0, 3.0, 4.0}, xg::kFloat64).requires_grad_();
  auto y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.000001;
  y.sum().backward();
  EXPECT_NEAR(x.grad().to_vector()[0], std::pow(1.000001, 100000), 1e-9);
}

TEST(ParallelEngine, ConcurrentBackwardFromFourUserThreads) {
  ThreadCount two(2);
  constexpr int kThreads = 4;
  std::vector<Leaves> leaves;
  std::vector<std::vector<double>> serial(kThreads), parallel(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    leaves.push_back(make_leaves(32, 100 + i));
    serial[i] = gradients(leaves[i], 60, 100 + i);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int repeat = 0; repeat < 3; ++repeat) parallel[i] = gradients(leaves[i], 60, 100 + i);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(parallel[i], serial[i]) << "graph " << i;
}

TEST(ParallelEngine, ErrorInOneBranchPropagates) {
  ThreadCount two(2);
  auto x = xg::randn({8}, xg::kFloat64).requires_grad_();
  std::vector<xg::Tensor> outs;
  for (int i = 0; i < 8; ++i) outs.push_back((x * x * static_cast<double>(i)).sum());
  auto loss = outs[0];
  for (int i = 1; i < 8; ++i) loss = loss + outs[i];
  loss.backward();
  EXPECT_THROW(loss.backward(), xg::AutogradError);  // saved tensors were freed
}
