// "Gradient ready" signals from the engine: post-accumulate hooks on leaves, and callbacks
// queued to run at the end of the backward pass (what data-parallel training builds on).
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

TEST(PostAccumulateHook, RunsOnceWithTheSummedGradient) {
  auto w = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  int calls = 0;
  std::vector<double> seen;
  w.register_post_accumulate_grad_hook([&](const xg::Tensor& leaf) {
    ++calls;
    EXPECT_TRUE(leaf.is_same(w));
    seen = leaf.grad().to_vector();
  });
  (w * 3.0 + w * w).sum().backward();  // w reaches the loss along two paths
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, (std::vector<double>{5, 7}));
  (w * 2.0).sum().backward();  // a second backward accumulates, then signals again
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(seen, (std::vector<double>{7, 9}));
}

TEST(PostAccumulateHook, RunsAfterTensorHooksChangedTheGradient) {
  auto w = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  w.register_hook([](const xg::Tensor& g) { return g * 10.0; });
  double seen = 0;
  w.register_post_accumulate_grad_hook([&](const xg::Tensor& leaf) { seen = leaf.grad().item(); });
  (w * 2.0).sum().backward();
  EXPECT_EQ(seen, 20.0);
}

TEST(PostAccumulateHook, RemovedHookNoLongerRuns) {
  auto w = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  int calls = 0;
  const auto handle = w.register_post_accumulate_grad_hook([&](const xg::Tensor&) { ++calls; });
  EXPECT_TRUE(w.remove_post_accumulate_grad_hook(handle));
  EXPECT_FALSE(w.remove_post_accumulate_grad_hook(handle));
  (w * 2.0).sum().backward();
  EXPECT_EQ(calls, 0);
}

TEST(PostAccumulateHook, RefusedOnNonLeavesAndTensorsWithoutGrad) {
  auto w = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  auto h = w * 2.0;
  EXPECT_THROW(h.register_post_accumulate_grad_hook([](const xg::Tensor&) {}), xg::AutogradError);
  auto c = xg::tensor({1.0}, xg::kFloat64);
  EXPECT_THROW(c.register_post_accumulate_grad_hook([](const xg::Tensor&) {}), xg::AutogradError);
  EXPECT_THROW(w.register_post_accumulate_grad_hook(nullptr), xg::ValueError);
}

TEST(PostAccumulateHook, EveryLeafSignalsOnceWithTwoThreads) {
  const int saved = xg::get_num_threads();
  xg::set_num_threads(2);
  xg::manual_seed(3);
  // Two independent heavy branches, so the engine runs them as parallel tasks.
  auto a = xg::randn({256, 128}).requires_grad_();
  auto b = xg::randn({256, 128}).requires_grad_();
  std::atomic<int> calls{0};
  for (auto* p : {&a, &b})
    p->register_post_accumulate_grad_hook([&](const xg::Tensor& leaf) {
      EXPECT_TRUE(leaf.grad().defined());
      ++calls;
    });
  for (int i = 0; i < 20; ++i) {
    ((a * a).sum() + (b * 3.0).sum()).backward();
  }
  EXPECT_EQ(calls.load(), 40);
  xg::set_num_threads(saved);
}

TEST(BackwardCallback, RunsAfterEveryNodeBeforeBackwardReturns) {
  auto a = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({2.0}, xg::kFloat64).requires_grad_();
  std::vector<std::string> events;
  std::mutex m;
  auto note = [&](std::string e) {
    std::lock_guard<std::mutex> lock(m);
    events.push_back(std::move(e));
  };
  a.register_post_accumulate_grad_hook([&](const xg::Tensor&) {
    note("a");
    xg::queue_backward_callback([&] {
      // Both gradients are in when the callback runs; it may queue another.
      EXPECT_TRUE(a.grad().defined() && b.grad().defined());
      note("callback");
      xg::queue_backward_callback([&] { note("second callback"); });
    });
  });
  b.register_post_accumulate_grad_hook([&](const xg::Tensor&) { note("b"); });
  (a * b).sum().backward();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2], "callback");
  EXPECT_EQ(events[3], "second callback");
}

TEST(BackwardCallback, RefusedOutsideBackward) {
  EXPECT_THROW(xg::queue_backward_callback([] {}), xg::AutogradError);
  auto w = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  w.register_post_accumulate_grad_hook([](const xg::Tensor&) {
    EXPECT_THROW(xg::queue_backward_callback(nullptr), xg::ValueError);
  });
  (w * 2.0).sum().backward();
  // After the pass the thread is no longer inside one.
  EXPECT_THROW(xg::queue_backward_callback([] {}), xg::AutogradError);
}

TEST(BackwardCallback, SkippedWhenThePassFails) {
  auto a = xg::tensor({1.0}, xg::kFloat64).requires_grad_();
  auto b = xg::tensor({2.0}, xg::kFloat64).requires_grad_();
  bool ran = false;
  a.register_post_accumulate_grad_hook(
      [&](const xg::Tensor&) { xg::queue_backward_callback([&] { ran = true; }); });
  b.register_post_accumulate_grad_hook(
      [](const xg::Tensor&) { throw xg::ValueError("hook failed on purpose"); });
  EXPECT_THROW((a * b).sum().backward(), xg::ValueError);
  EXPECT_FALSE(ran);
}

TEST(BackwardCallback, WorksForGradToo) {
  auto w = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  bool ran = false;
  w.register_hook([&](const xg::Tensor&) {
    xg::queue_backward_callback([&] { ran = true; });
    return xg::Tensor();
  });
  auto g = xg::grad({(w * w).sum()}, {w})[0];
  EXPECT_TRUE(ran);
  EXPECT_EQ(g.to_vector(), (std::vector<double>{2, 4}));
}
