// Every Tensor method defined in core/tensor.cpp on an undefined (default-constructed) tensor
// throws an xgrad::Error naming the method, never dereferences a null impl; and the two ways
// library code changes a tensor's data behind the graph, bump_version() and set_data().
#include <gtest/gtest.h>

#include <string>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;

/// Checks that `call` throws an xgrad::Error naming `method` and saying "undefined".
template <class F>
void expect_undefined_error(const char* method, F&& call) {
  const std::string msg = message_of<xg::Error>(std::forward<F>(call));
  EXPECT_TRUE(Contains(msg, method));
  EXPECT_TRUE(Contains(msg, "undefined"));
}

TEST(UndefinedTensor, DefinedAndIsSameDoNotThrow) {
  xg::Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_TRUE(t.is_same(xg::Tensor()));
}

TEST(UndefinedTensor, ShapeQueries) {
  xg::Tensor t;
  expect_undefined_error("shape", [&] { (void)t.shape(); });
  expect_undefined_error("size", [&] { (void)t.size(0); });
  expect_undefined_error("dim", [&] { (void)t.dim(); });
  expect_undefined_error("numel", [&] { (void)t.numel(); });
  expect_undefined_error("dtype", [&] { (void)t.dtype(); });
}

TEST(UndefinedTensor, ElementAccess) {
  xg::Tensor t;
  expect_undefined_error("item", [&] { (void)t.item(); });
  expect_undefined_error("at", [&] { (void)t.at({0}); });
  expect_undefined_error("to_vector", [&] { (void)t.to_vector(); });
  expect_undefined_error("data_ptr", [&] { (void)t.data_ptr<float>(); });
}

TEST(UndefinedTensor, AutogradState) {
  xg::Tensor t;
  expect_undefined_error("requires_grad", [&] { (void)t.requires_grad(); });
  expect_undefined_error("requires_grad_", [&] { t.requires_grad_(); });
  expect_undefined_error("grad", [&] { (void)t.grad(); });
  expect_undefined_error("set_grad", [&] { t.set_grad(xg::Tensor()); });
  expect_undefined_error("zero_grad", [&] { t.zero_grad(); });
  expect_undefined_error("grad_fn", [&] { (void)t.grad_fn(); });
  expect_undefined_error("output_nr", [&] { (void)t.output_nr(); });
  expect_undefined_error("is_leaf", [&] { (void)t.is_leaf(); });
  expect_undefined_error("retain_grad", [&] { t.retain_grad(); });
  expect_undefined_error("retains_grad", [&] { (void)t.retains_grad(); });
}

TEST(UndefinedTensor, Hooks) {
  xg::Tensor t;
  expect_undefined_error("register_hook",
                         [&] { t.register_hook([](const xg::Tensor& g) { return g; }); });
  expect_undefined_error("register_post_accumulate_grad_hook",
                         [&] { t.register_post_accumulate_grad_hook([](const xg::Tensor&) {}); });
  expect_undefined_error("remove_post_accumulate_grad_hook",
                         [&] { t.remove_post_accumulate_grad_hook(1); });
}

TEST(UndefinedTensor, DataAndVersion) {
  xg::Tensor t;
  expect_undefined_error("detach", [&] { (void)t.detach(); });
  expect_undefined_error("version", [&] { (void)t.version(); });
  expect_undefined_error("bump_version", [&] { t.bump_version(); });
  expect_undefined_error("set_data", [&] { t.set_data(xg::zeros({2})); });
  auto defined = xg::zeros({2});
  expect_undefined_error("set_data", [&] { defined.set_data(xg::Tensor()); });
  EXPECT_EQ(defined.shape(), (xg::Shape{2}));  // unchanged by the failed call
}

TEST(BumpVersion, CountsAndIsSharedWithViews) {
  auto t = xg::zeros({3});
  auto view = t.detach();
  const auto before = t.version();
  t.bump_version();
  EXPECT_EQ(t.version(), before + 1);
  EXPECT_EQ(view.version(), before + 1);  // one storage, one counter
}

TEST(BumpVersion, MakesASavedTensorStale) {
  auto w = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  auto x = xg::tensor({3.0, 4.0}, xg::kFloat64);
  auto y = (w * x).sum();  // saves x for w's gradient
  x.bump_version();        // as if written in place through raw data
  EXPECT_THROW(y.backward(), xg::Error);
}

TEST(SetData, TakesStorageShapeAndDtypeKeepsIdentity) {
  auto w = xg::zeros({2, 2}).requires_grad_();
  auto alias = w;  // another handle to the same tensor (as a module's parameter list holds)
  auto fresh = xg::ones({3}, xg::kFloat64);
  w.set_data(fresh);
  EXPECT_EQ(alias.shape(), (xg::Shape{3}));
  EXPECT_EQ(alias.dtype(), xg::kFloat64);
  EXPECT_TRUE(alias.requires_grad());
  EXPECT_TRUE(alias.is_leaf());
  EXPECT_EQ(alias.to_vector(), (std::vector<double>{1, 1, 1}));
  // The storage is shared with `fresh`, as PyTorch's set_data.
  fresh.fill_(2.0);
  EXPECT_EQ(w.to_vector(), (std::vector<double>{2, 2, 2}));
}

TEST(SetData, RefusesIntegerDataForATensorRequiringGrad) {
  auto w = xg::zeros({2}).requires_grad_();
  EXPECT_THROW(w.set_data(xg::zeros({2}, xg::DType::Int64)), xg::DTypeError);
  EXPECT_EQ(w.dtype(), xg::kFloat32);
}

}  // namespace
