// libtorch's Tensor API as a libtorch user writes it (issue 13 items 1, 2 and 6): item<T>,
// creation with TensorOptions and single sizes, integer literals as int64, libtorch's dtype
// names, sizes()/scalar_type(), printing a dtype, and the missing creation basics.
#include <gtest/gtest.h>

#include <sstream>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

TEST(TensorApi, ItemAsType) {
  const auto loss = xg::tensor({2.5});
  EXPECT_FLOAT_EQ(loss.sum().item<float>(), 2.5f);
  EXPECT_DOUBLE_EQ(loss.sum().item<double>(), 2.5);
  EXPECT_DOUBLE_EQ(loss.sum().item(), 2.5);
  EXPECT_EQ(xg::tensor({7}).sum().item<int64_t>(), 7);
  EXPECT_EQ(xg::tensor({-3.7}).sum().item<int>(), -3);  // truncates toward zero
  EXPECT_TRUE(xg::tensor({1.0}).sum().item<bool>());
  EXPECT_THROW(xg::tensor({1e30}).sum().item<int>(), xg::ValueError);
  EXPECT_THROW(xg::tensor({1.0, 2.0}).item<float>(), xg::ValueError);
}

TEST(TensorApi, CreationWithOptions) {
  auto a = xg::ones({2, 2}, xg::requires_grad());
  EXPECT_TRUE(a.requires_grad());
  EXPECT_EQ(a.dtype(), xg::kFloat32);
  auto b = xg::zeros({3}, xg::dtype(xg::kFloat64).requires_grad(true));
  EXPECT_EQ(b.dtype(), xg::kFloat64);
  EXPECT_TRUE(b.requires_grad());
  auto c = xg::randn(3);
  EXPECT_EQ(c.sizes(), (xg::Shape{3}));
  auto d = xg::randn({2, 3}, xg::TensorOptions().dtype(xg::kDouble).device(xg::kCPU));
  EXPECT_EQ(d.scalar_type(), xg::kFloat64);
  EXPECT_EQ(xg::full({2}, 3.0, xg::kLong).dtype(), xg::kInt64);
  EXPECT_EQ(xg::zeros(4).numel(), 4);
  EXPECT_EQ(xg::zeros({2, 3}, d.options()).dtype(), xg::kFloat64);
  EXPECT_EQ(xg::kFloat, xg::kFloat32);
  EXPECT_EQ(d.dim(), 2);
  EXPECT_EQ(d.size(1), 3);
  EXPECT_EQ(d.size(-1), 3);
}

TEST(TensorApi, IntegerLiteralsMakeInt64) {
  EXPECT_EQ(xg::tensor({1, 2, 3}).dtype(), xg::kInt64);
  EXPECT_EQ(xg::tensor({{1, 2}, {3, 4}}).dtype(), xg::kInt64);
  EXPECT_EQ(xg::tensor({1.0, 2.0}).dtype(), xg::kFloat32);
  EXPECT_EQ(xg::tensor({1, 2.5}).dtype(), xg::kFloat32);  // any floating literal: float32
  EXPECT_EQ(xg::tensor({1.0f, 2.0f}).dtype(), xg::kFloat32);
  EXPECT_EQ(xg::tensor({true, false}).dtype(), xg::kBool);
  EXPECT_EQ(xg::tensor({1, 2}, xg::kFloat64).dtype(), xg::kFloat64);
  EXPECT_EQ(xg::arange(5).dtype(), xg::kInt64);
  EXPECT_EQ(xg::arange(1, 4).dtype(), xg::kInt64);
  EXPECT_EQ(xg::arange(0.0, 1.0, 0.5).dtype(), xg::kFloat32);
  EXPECT_EQ(xg::arange(5, xg::kFloat32).dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(xg::arange(0, 6, 2), {0, 2, 4}));
  auto w = xg::tensor({1.0, 2.0}, xg::requires_grad());
  EXPECT_TRUE(w.requires_grad());
}

TEST(TensorApi, DTypePrints) {
  std::ostringstream os;
  os << xg::kFloat32 << " " << xg::tensor({1, 2}).dtype() << " " << xg::kBool;
  EXPECT_EQ(os.str(), "float32 int64 bool");
}

TEST(TensorApi, MissingBasics) {
  xg::manual_seed(3);
  EXPECT_EQ(xg::empty({2, 3}).sizes(), (xg::Shape{2, 3}));
  auto r = xg::randint(0, 10, {1000});
  EXPECT_EQ(r.dtype(), xg::kInt64);
  EXPECT_GE(r.min().item<int64_t>(), 0);
  EXPECT_LE(r.max().item<int64_t>(), 9);
  EXPECT_EQ(xg::randint(5, {3}).numel(), 3);
  EXPECT_THROW(xg::randint(3, 3, {2}), xg::ValueError);
  EXPECT_TRUE(ValuesEqual(xg::linspace(0, 1, 5), {0, 0.25, 0.5, 0.75, 1}));
  const auto x = xg::randn({2, 3}, xg::kFloat64);
  EXPECT_EQ(xg::zeros_like(x).dtype(), xg::kFloat64);
  EXPECT_EQ(xg::ones_like(x, xg::kFloat32).dtype(), xg::kFloat32);
  EXPECT_EQ(xg::randn_like(x).sizes(), x.sizes());
  EXPECT_EQ(xg::full_like(x, 2.0).sum().item<double>(), 12.0);
  EXPECT_TRUE(xg::allclose(xg::ones({2}), xg::tensor({1.0, 1.000001})));
  EXPECT_FALSE(xg::allclose(xg::ones({2}), xg::tensor({1.0, 1.1})));
  EXPECT_TRUE(ValuesEqual(xg::cumsum(xg::tensor({1, 2, 3}), 0), {1, 3, 6}));
  auto oh = xg::one_hot(xg::tensor({0, 2}), 3);
  EXPECT_EQ(oh.sizes(), (xg::Shape{2, 3}));
  EXPECT_TRUE(ValuesEqual(oh, {1, 0, 0, 0, 0, 1}));
  EXPECT_THROW(xg::one_hot(xg::tensor({0, 3}), 3), xg::IndexError);
}

TEST(TensorApi, FromBlobCopies) {
  float buffer[6] = {1, 2, 3, 4, 5, 6};
  auto t = xg::from_blob(buffer, {2, 3});
  EXPECT_EQ(t.dtype(), xg::kFloat32);
  EXPECT_TRUE(ValuesEqual(t, {1, 2, 3, 4, 5, 6}));
  buffer[0] = 100;  // documented difference: the tensor holds a copy
  EXPECT_EQ(t.at({0, 0}), 1.0);
  int64_t labels[3] = {4, 5, 6};
  EXPECT_TRUE(ValuesEqual(xg::from_blob(labels, 3, xg::kInt64), {4, 5, 6}));
}

TEST(TensorApi, ChunkNarrowSelect) {
  const auto x = xg::arange(10.0).reshape({2, 5});
  auto parts = x.chunk(2, 1);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].sizes(), (xg::Shape{2, 3}));
  EXPECT_EQ(parts[1].sizes(), (xg::Shape{2, 2}));
  EXPECT_TRUE(ValuesEqual(x.narrow(1, 1, 2), {1, 2, 6, 7}));
  EXPECT_TRUE(ValuesEqual(x.select(1, 0), {0, 5}));
  EXPECT_TRUE(ValuesEqual(x.slice(1, 3), {3, 4, 8, 9}));
  EXPECT_THROW(x.narrow(1, 4, 2), xg::IndexError);
}

TEST(TensorApi, IndexIsAViewAsInLibtorch) {
  // Issue 13 item 7: x[0] is a view (it was a copy before), so fill_ changes x.
  auto x = xg::zeros({2, 2});
  x[0].fill_(5);
  EXPECT_EQ(x.sum().item<float>(), 10.0f);
}

TEST(TensorApi, MatmulBroadcastsBatchDims) {
  xg::manual_seed(4);
  auto a = xg::randn({2, 3, 4, 5}, xg::kFloat64);
  auto b = xg::randn({5, 6}, xg::kFloat64);
  auto c = xg::matmul(a, b);
  EXPECT_EQ(c.sizes(), (xg::Shape{2, 3, 4, 6}));
  EXPECT_TRUE(xg::allclose(c[1][2], xg::matmul(a[1][2], b)));
  auto d = xg::matmul(xg::randn({2, 1, 4, 5}, xg::kFloat64), xg::randn({3, 5, 2}, xg::kFloat64));
  EXPECT_EQ(d.sizes(), (xg::Shape{2, 3, 4, 2}));
  EXPECT_EQ(xg::matmul(xg::randn({3, 4, 5}), xg::randn({5})).sizes(), (xg::Shape{3, 4}));
}
