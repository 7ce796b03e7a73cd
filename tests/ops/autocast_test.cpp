// Autocast to bfloat16: products within bfloat16 tolerance of float32, parameters and
// gradients float32, the state restored by nested guards, backward under the forward's state
// on any thread, and float32 results when bfloat16 is not available.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <xgrad/ops/detail/weight_cache.hpp>  // internal: the weight cache
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {

/// Largest |a - b| relative to the largest |b|.
double max_relative_difference(const xg::Tensor& a, const xg::Tensor& b) {
  return xg::max(xg::abs(a - b)).item() / xg::max(xg::abs(b)).item();
}

/// One linear layer's loss and its gradients, with or without autocast.
struct Step {
  xg::Tensor out, gx, gw, gb;
};
Step linear_step(bool bf16) {
  xg::manual_seed(3);
  auto x = xg::randn({64, 96}).requires_grad_();
  auto w = xg::randn({48, 96}).requires_grad_();
  auto b = xg::randn({48}).requires_grad_();
  Step s;
  {
    xg::AutocastGuard guard(bf16 ? xg::kBFloat16 : xg::AutocastDType::None);
    s.out = xg::linear(x, w, b);
    (s.out * s.out).sum().backward();
  }
  s.gx = x.grad();
  s.gw = w.grad();
  s.gb = b.grad();
  return s;
}

}  // namespace

TEST(Autocast, GuardsNestAndRestore) {
  EXPECT_EQ(xg::autocast_dtype(), xg::AutocastDType::None);
  {
    xg::AutocastGuard outer(xg::kBFloat16);
    EXPECT_EQ(xg::autocast_dtype(), xg::kBFloat16);
    {
      xg::AutocastGuard inner(xg::AutocastDType::None);
      EXPECT_EQ(xg::autocast_dtype(), xg::AutocastDType::None);
    }
    EXPECT_EQ(xg::autocast_dtype(), xg::kBFloat16);
  }
  EXPECT_EQ(xg::autocast_dtype(), xg::AutocastDType::None);
}

TEST(Autocast, StateIsPerThread) {
  xg::AutocastGuard guard(xg::kBFloat16);
  xg::AutocastDType seen = xg::kBFloat16;
  std::thread([&] { seen = xg::autocast_dtype(); }).join();
  EXPECT_EQ(seen, xg::AutocastDType::None);
}

TEST(Autocast, LinearWithinBf16ToleranceAndGradsStayFloat32) {
  const Step f32 = linear_step(false), b16 = linear_step(true);
  EXPECT_EQ(b16.out.dtype(), xg::kFloat32);
  EXPECT_EQ(b16.gw.dtype(), xg::kFloat32);
  EXPECT_EQ(b16.gx.dtype(), xg::kFloat32);
  // bfloat16 keeps 8 mantissa bits (relative rounding 2^-9 per operand); sums of 96 products
  // of rounded operands stay within about 1% of the largest value.
  EXPECT_LT(max_relative_difference(b16.out, f32.out), 2e-2);
  EXPECT_LT(max_relative_difference(b16.gw, f32.gw), 2e-2);
  EXPECT_LT(max_relative_difference(b16.gx, f32.gx), 2e-2);
  EXPECT_LT(max_relative_difference(b16.gb, f32.gb), 2e-2);
  if (xg::autocast_available(xg::kBFloat16)) {
    // It really ran in bfloat16: the results differ from float32 beyond float32 rounding.
    EXPECT_GT(max_relative_difference(b16.out, f32.out), 1e-5);
  } else {
    // Fallback: float32, bit for bit.
    EXPECT_EQ(max_relative_difference(b16.out, f32.out), 0.0);
    EXPECT_EQ(max_relative_difference(b16.gw, f32.gw), 0.0);
  }
}

TEST(Autocast, Float64IsUntouched) {
  xg::manual_seed(1);
  auto a = xg::randn({32, 40}, xg::kFloat64), b = xg::randn({40, 24}, xg::kFloat64);
  const auto plain = xg::matmul(a, b);
  xg::AutocastGuard guard(xg::kBFloat16);
  EXPECT_EQ(max_relative_difference(xg::matmul(a, b), plain), 0.0);
}

TEST(Autocast, BackwardUsesTheForwardState) {
  // Backward called outside the guard (and on TBB workers) still runs in bfloat16, so it
  // matches a backward called inside the guard bit for bit; and a graph recorded without
  // autocast ignores a guard around its backward.
  xg::manual_seed(5);
  auto x = xg::randn({256, 128});
  auto w = xg::randn({128, 128}).requires_grad_();
  xg::Tensor inside, outside;
  {
    xg::AutocastGuard guard(xg::kBFloat16);
    xg::tanh(xg::matmul(x, w)).sum().backward();
    inside = w.grad().clone();
    w.zero_grad();
    auto loss = xg::tanh(xg::matmul(x, w)).sum();
    xg::AutocastGuard off(xg::AutocastDType::None);
    loss.backward();
    outside = w.grad().clone();
  }
  EXPECT_EQ(max_relative_difference(outside, inside), 0.0);
  w.zero_grad();
  xg::tanh(xg::matmul(x, w)).sum().backward();
  const auto plain = w.grad().clone();
  w.zero_grad();
  auto loss = xg::tanh(xg::matmul(x, w)).sum();
  {
    xg::AutocastGuard guard(xg::kBFloat16);
    loss.backward();
  }
  EXPECT_EQ(max_relative_difference(w.grad(), plain), 0.0);
}

TEST(Autocast, OpsThatDoNotAutocastKeepFloat32BackwardInsideAGuard) {
  // cholesky's backward multiplies matrices (mm) but cholesky is no autocast op: its gradient
  // must be the float32 one whether backward runs inside a guard or not.
  xg::manual_seed(7);
  auto m = xg::randn({96, 96});
  auto a = (xg::matmul(m, m.t()) + xg::eye(96) * 96.0).detach().requires_grad_();
  xg::cholesky(a).sum().backward();
  const auto plain = a.grad().clone();
  a.zero_grad();
  {
    xg::AutocastGuard guard(xg::kBFloat16);
    xg::cholesky(a).sum().backward();
  }
  EXPECT_EQ(max_relative_difference(a.grad(), plain), 0.0);
}

TEST(Autocast, DeterministicForAnyThreadCount) {
  // A product large enough to be split into blocks (1024 x 512 x 512) gives the same bits
  // on one thread and on two.
  xg::manual_seed(7);
  auto a = xg::randn({1024, 512}), b = xg::randn({512, 512});
  xg::AutocastGuard guard(xg::kBFloat16);
  xg::set_num_threads(1);
  const auto one = xg::matmul(a, b);
  xg::set_num_threads(2);
  const auto two = xg::matmul(a, b);
  EXPECT_EQ(max_relative_difference(two, one), 0.0);
}

TEST(Autocast, EveryTransposeOfASplitProduct) {
  // mm with each transpose flag, large enough to be split into blocks of rows (m >= n) or of
  // columns (m < n): the operands are laid out anew in bfloat16, the result stays close.
  xg::manual_seed(11);
  for (const auto& [m, n] : {std::pair<int64_t, int64_t>{640, 320}, {320, 640}}) {
    const int64_t k = 384;
    for (const bool ta : {false, true}) {
      for (const bool tb : {false, true}) {
        auto a = ta ? xg::randn({k, m}) : xg::randn({m, k});
        auto b = tb ? xg::randn({n, k}) : xg::randn({k, n});
        const auto plain = xg::mm(a, b, ta, tb);
        xg::AutocastGuard guard(xg::kBFloat16);
        const auto low = xg::mm(a, b, ta, tb);
        EXPECT_LT(max_relative_difference(low, plain), 2e-2) << m << " " << n << " " << ta << tb;
      }
    }
  }
}

// ---- autocast's weight cache (ops/detail/weight_cache.hpp) --------------------------------------

TEST(AutocastWeightCache, ParametersAreRoundedOnceAndGiveTheSameBits) {
  if (!xg::autocast_available(xg::kBFloat16)) GTEST_SKIP() << "no bfloat16 GEMM here";
  xg::autocast_cache::clear();
  xg::manual_seed(13);
  auto x = xg::randn({96, 200});
  auto w = xg::randn({320, 200}).requires_grad_();  // a parameter: a leaf requiring grad
  xg::AutocastGuard guard(xg::kBFloat16);
  const auto first = xg::linear(x, w);
  EXPECT_EQ(xg::autocast_cache::size(), 1u);  // w, not x (no parameter)
  const auto cached = xg::linear(x, w);
  EXPECT_EQ(xg::autocast_cache::size(), 1u);
  EXPECT_EQ(max_relative_difference(cached, first), 0.0);
  // In backward, dx = G W reads W untransposed: the cached rounding serves it too, and the
  // gradient is the one rounded afresh.
  auto x2 = xg::randn({96, 200}).requires_grad_();
  xg::linear(x2, w).sum().backward();
  const auto with_cache = x2.grad().clone();
  x2.zero_grad();
  xg::autocast_cache::clear();
  {
    // A tensor that is no parameter is rounded per product: the same bits. (x2, a leaf
    // that requires grad, is cached, as libtorch does.)
    auto w_plain = w.detach();
    xg::linear(x2, w_plain).sum().backward();
    EXPECT_EQ(xg::autocast_cache::size(), 1u);
  }
  EXPECT_EQ(max_relative_difference(x2.grad(), with_cache), 0.0);
}

TEST(AutocastWeightCache, AnUpdateIsSeen) {
  if (!xg::autocast_available(xg::kBFloat16)) GTEST_SKIP() << "no bfloat16 GEMM here";
  xg::autocast_cache::clear();
  xg::manual_seed(17);
  auto x = xg::randn({64, 128});
  auto w = xg::randn({256, 128}).requires_grad_();
  xg::optim::SGD sgd({w}, xg::optim::SGDOptions(0.5));
  xg::Tensor before, after;
  {
    xg::AutocastGuard guard(xg::kBFloat16);
    before = xg::linear(x, w);
    xg::mm(x, w, false, true).sum().backward();
  }
  sgd.step();  // writes w in place and bumps its version
  {
    xg::AutocastGuard guard(xg::kBFloat16);
    after = xg::linear(x, w);
  }
  xg::autocast_cache::clear();
  xg::AutocastGuard guard(xg::kBFloat16);
  const auto fresh = xg::linear(x, w);
  EXPECT_EQ(max_relative_difference(after, fresh), 0.0);
  EXPECT_GT(max_relative_difference(after, before), 1e-3);
  EXPECT_EQ(xg::autocast_cache::size(), 1u);  // the stale entry was replaced, not kept
}

TEST(AutocastWeightCache, EveryTransposeWithCachedOperands) {
  // Both operands parameters, each flag, split into row and column blocks: the cached
  // roundings give the same bits as roundings made per product.
  if (!xg::autocast_available(xg::kBFloat16)) GTEST_SKIP() << "no bfloat16 GEMM here";
  xg::manual_seed(19);
  for (const auto& [m, n] : {std::pair<int64_t, int64_t>{640, 320}, {320, 640}}) {
    const int64_t k = 384;
    for (const bool ta : {false, true}) {
      for (const bool tb : {false, true}) {
        auto a = (ta ? xg::randn({k, m}) : xg::randn({m, k})).requires_grad_();
        auto b = (tb ? xg::randn({n, k}) : xg::randn({k, n})).requires_grad_();
        xg::AutocastGuard guard(xg::kBFloat16);
        xg::autocast_cache::clear();
        const auto uncached = xg::mm(a.detach(), b.detach(), ta, tb);
        const auto first = xg::mm(a, b, ta, tb);   // rounds and caches
        const auto second = xg::mm(a, b, ta, tb);  // from the cache
        EXPECT_EQ(max_relative_difference(first, uncached), 0.0) << m << " " << ta << tb;
        EXPECT_EQ(max_relative_difference(second, uncached), 0.0) << m << " " << ta << tb;
      }
    }
  }
}
