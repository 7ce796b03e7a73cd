// Views share storage with their base, as in libtorch: layout (strides, storage offset,
// data_ptr arithmetic), the shared version counter, in-place writes through views, stale
// saved tensors, view()'s error, contiguous(), and serialisation of a view's own elements.
#include <gtest/gtest.h>

#include <cstdio>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::ValuesEqual;

/// [0, 1, ..., n-1] as float32 of `shape`.
xg::Tensor iota(const xg::Shape& shape) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<double> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  return xg::tensor(v, shape);
}

/// True when `v` shares `base`'s storage: its first element lies at base's data + offset.
bool shares(const xg::Tensor& v, const xg::Tensor& base) {
  return v.data_ptr<float>() == base.data_ptr<float>() + v.storage_offset();
}

TEST(Views, IndexFillChangesTheBase) {
  auto x = xg::zeros({2, 3});
  x[0].fill_(5);
  EXPECT_TRUE(ValuesEqual(x, {5, 5, 5, 0, 0, 0}));
  x[1][2].fill_(7);
  EXPECT_TRUE(ValuesEqual(x, {5, 5, 5, 0, 0, 7}));
}

TEST(Views, LayoutMatchesLibtorch) {
  auto x = iota({2, 3, 4});
  EXPECT_EQ(x.strides(), (xg::Shape{12, 4, 1}));
  EXPECT_TRUE(x.is_contiguous());

  auto s = x.select(1, 2);  // [2, 4]
  EXPECT_EQ(s.strides(), (xg::Shape{12, 1}));
  EXPECT_EQ(s.storage_offset(), 8);
  EXPECT_TRUE(shares(s, x));
  EXPECT_FALSE(s.is_contiguous());
  EXPECT_TRUE(ValuesEqual(s, {8, 9, 10, 11, 20, 21, 22, 23}));

  auto sl = x.slice(2, 1, 4, 2);  // x[:, :, 1:4:2]
  EXPECT_EQ(sl.shape(), (xg::Shape{2, 3, 2}));
  EXPECT_EQ(sl.strides(), (xg::Shape{12, 4, 2}));
  EXPECT_EQ(sl.storage_offset(), 1);
  EXPECT_TRUE(ValuesEqual(sl[0][0], {1, 3}));

  auto n = x.narrow(0, 1, 1);
  EXPECT_EQ(n.storage_offset(), 12);
  EXPECT_TRUE(n.is_contiguous());  // a run of rows stays contiguous

  auto t = x.transpose(0, 2);
  EXPECT_EQ(t.shape(), (xg::Shape{4, 3, 2}));
  EXPECT_EQ(t.strides(), (xg::Shape{1, 4, 12}));
  EXPECT_EQ(t.stride(-1), 12);
  EXPECT_TRUE(shares(t, x));

  auto p = x.permute({1, 2, 0});
  EXPECT_EQ(p.strides(), (xg::Shape{4, 1, 12}));

  auto m = iota({3, 4});
  EXPECT_EQ(m.t().strides(), (xg::Shape{1, 4}));
  EXPECT_TRUE(shares(m.t(), m));

  auto e = iota({3, 1}).expand({2, 3, 5});
  EXPECT_EQ(e.strides(), (xg::Shape{0, 1, 0}));

  auto chunks = x.chunk(2, 2);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[1].storage_offset(), 2);
  EXPECT_EQ(chunks[1].strides(), (xg::Shape{12, 4, 1}));
  EXPECT_TRUE(shares(chunks[1], x));
  auto parts = x.split(1, 0);
  EXPECT_EQ(parts[1].storage_offset(), 12);

  auto u = s.unsqueeze(1);  // [2, 1, 4]
  EXPECT_TRUE(shares(u, x));
  EXPECT_EQ(u.squeeze(1).strides(), (xg::Shape{12, 1}));

  auto d = iota({3, 3}).diagonal();
  EXPECT_EQ(d.strides(), (xg::Shape{4}));
  EXPECT_TRUE(ValuesEqual(d, {0, 4, 8}));
  EXPECT_TRUE(ValuesEqual(iota({3, 3}).diagonal(1), {1, 5}));
  EXPECT_TRUE(ValuesEqual(iota({3, 3}).diagonal(-1), {3, 7}));
}

TEST(Views, EveryViewWritesThroughToTheBase) {
  xg::NoGradGuard no_grad;
  auto x = xg::zeros({3, 4});
  x.t()[1].fill_(1);  // column 1
  x.select(0, 2).narrow(0, 2, 2).fill_(2);
  x.diagonal().add_(10.0);
  x.slice(1, 0, 4, 3)[0].fill_(-1);  // x[0, ::3]
  EXPECT_TRUE(ValuesEqual(x, {-1, 1, 0, -1, 0, 11, 0, 0, 0, 1, 12, 2}));
  x.view({4, 3})[3].mul_(2.0);  // the last 3 elements, through a view of x
  EXPECT_TRUE(ValuesEqual(x, {-1, 1, 0, -1, 0, 11, 0, 0, 0, 2, 24, 4}));
  auto c = x.chunk(2, 1)[1];
  c.copy_(xg::ones({3, 2}));
  EXPECT_TRUE(ValuesEqual(x, {-1, 1, 1, 1, 0, 11, 1, 1, 0, 2, 1, 1}));
  x.permute({1, 0}).unsqueeze(0)[0][0].zero_();  // column 0
  EXPECT_TRUE(ValuesEqual(x, {0, 1, 1, 1, 0, 11, 1, 1, 0, 2, 1, 1}));
}

TEST(Views, VersionCounterIsShared) {
  auto x = xg::zeros({2, 2});
  auto v = x.t();
  const auto before = x.version();
  v[0].fill_(1);
  EXPECT_GT(x.version(), before);
  EXPECT_EQ(x.version(), v.version());
}

TEST(Views, ExpandedViewRefusesInPlaceWrites) {
  auto e = xg::zeros({1, 3}).expand({4, 3});
  EXPECT_TRUE(
      Contains(xgtest::message_of<xg::ValueError>([&] { e.fill_(1); }), "single memory location"));
  EXPECT_TRUE(Contains(xgtest::message_of<xg::ValueError>([&] {
                         e.add_(xg::ones({4, 3}));
                       }),
                       "clone()"));
}

TEST(Views, InPlaceOnAViewOfATensorRequiringGradIsRefused) {
  auto w = xg::zeros({2, 2}).requires_grad_();
  auto v = w[0];
  EXPECT_TRUE(v.requires_grad());
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] { v.fill_(1); }), "NoGradGuard"));
  {
    xg::NoGradGuard no_grad;
    w.detach()[0].fill_(3.0);  // as optimizers do: changes w
  }
  EXPECT_TRUE(ValuesEqual(w, {3, 3, 0, 0}));
}

TEST(Views, SavedTensorModifiedThroughAViewIsStale) {
  auto w = xg::ones({2}).requires_grad_();
  auto b = xg::tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto y = (w * b[1]).sum();  // mul saves b[1], a view sharing b's storage
  {
    xg::NoGradGuard no_grad;
    b.t()[0].fill_(9);  // changes b[1][0] through another view
  }
  EXPECT_TRUE(
      Contains(xgtest::message_of<xg::AutogradError>([&] { y.backward(); }), "modified in place"));
}

TEST(Views, ViewOfNonViewableLayoutSaysUseReshape) {
  auto x = iota({2, 3}).t();
  EXPECT_TRUE(Contains(xgtest::message_of<xg::ShapeError>([&] { x.view({6}); }), "reshape"));
  auto r = x.reshape({6});  // reshape copies when it must
  EXPECT_TRUE(r.is_contiguous());
  EXPECT_TRUE(ValuesEqual(r, {0, 3, 1, 4, 2, 5}));
  // A view that the strides allow: merging or splitting dims that stay contiguous.
  auto y = iota({4, 6}).slice(1, 0, 6, 2);  // [4, 3] strides [6, 2]
  auto z = y.view({2, 2, 3});
  EXPECT_EQ(z.strides(), (xg::Shape{12, 6, 2}));
  EXPECT_TRUE(shares(z, y));
}

TEST(Views, ContiguousAndClone) {
  auto x = iota({2, 3});
  EXPECT_TRUE(x.contiguous().is_same(x));
  auto t = x.t();
  auto c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.strides(), (xg::Shape{2, 1}));
  EXPECT_TRUE(ValuesEqual(c, {0, 3, 1, 4, 2, 5}));
  auto k = t.clone();
  EXPECT_TRUE(k.is_contiguous());
  EXPECT_TRUE(ValuesEqual(k, {0, 3, 1, 4, 2, 5}));
  auto d = t.detach();  // a view with the same layout
  EXPECT_EQ(d.strides(), t.strides());
  EXPECT_TRUE(shares(d, x));
  // contiguous() is recorded: the gradient flows back through it.
  auto w = xg::ones({2, 3}, xg::kFloat64).requires_grad_();
  (w.t().contiguous() * xg::tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, {3, 2}, xg::kFloat64))
      .sum()
      .backward();
  EXPECT_TRUE(ValuesEqual(w.grad(), {1, 3, 5, 2, 4, 6}));
}

TEST(Views, ReadersSeeTheViewsElements) {
  auto x = iota({3, 4});
  auto v = x.t().slice(0, 1, 3);  // [2, 3]: columns 1 and 2
  EXPECT_EQ(v.to_vector(), (std::vector<double>{1, 5, 9, 2, 6, 10}));
  EXPECT_EQ(v.at({1, 2}), 10);
  EXPECT_EQ(x[2][3].item(), 11);
  EXPECT_EQ(x.t()[3][1].item<float>(), 7.0f);
  EXPECT_EQ(xg::to_string(v), xg::to_string(v.contiguous()));
  auto xa = xg::to_xarray<float>(v);
  EXPECT_EQ(xa(1, 0), 2.0f);
}

TEST(Views, SafetensorsSavesOnlyTheViewsElements) {
  const std::string path = ::testing::TempDir() + "views_test.safetensors";
  auto x = iota({4, 5});
  xg::save_tensors({{"col", x.select(1, 3)}, {"row", x[2]}}, path);
  auto loaded = xg::load_tensors(path);
  EXPECT_TRUE(ValuesEqual(loaded.at("col"), {3, 8, 13, 18}));
  EXPECT_TRUE(ValuesEqual(loaded.at("row"), {10, 11, 12, 13, 14}));
  std::remove(path.c_str());
}

TEST(Views, IndexWithSliceNoneEllipsis) {
  using namespace xg::indexing;
  auto x = iota({3, 4});
  auto col = x.index({Slice(), 0});
  EXPECT_TRUE(ValuesEqual(col, {0, 4, 8}));
  EXPECT_TRUE(shares(col, x));
  EXPECT_TRUE(ValuesEqual(x.index({Slice(1, None, 2), Ellipsis}), {4, 5, 6, 7}));
  EXPECT_TRUE(ValuesEqual(x.index({Ellipsis, -1}), {3, 7, 11}));
  EXPECT_EQ(x.index({None, 1}).shape(), (xg::Shape{1, 4}));
  EXPECT_EQ(x.index({Slice(None, -1), None}).shape(), (xg::Shape{2, 1, 4}));
  EXPECT_TRUE(ValuesEqual(x.index({1, Slice(None, None, 3)}), {4, 7}));
  EXPECT_TRUE(ValuesEqual(x.index({xg::tensor({2, 0})}), {8, 9, 10, 11, 0, 1, 2, 3}));
  EXPECT_TRUE(ValuesEqual(x.index({x.gt(8.5)}), {9, 10, 11}));
  EXPECT_TRUE(Contains(xgtest::message_of<xg::IndexError>([&] {
                         x.index({0, 0, 0});
                       }),
                       "too many indices"));
}

TEST(Views, IndexPut) {
  using namespace xg::indexing;
  auto x = xg::zeros({3, 3});
  x.index_put_({0}, 5.0);
  x.index_put_({Slice(), 1}, xg::tensor({1.0, 2.0, 3.0}));
  EXPECT_TRUE(ValuesEqual(x, {5, 1, 5, 0, 2, 0, 0, 3, 0}));
  x.index_put_({x.eq(0.0)}, -1.0);
  EXPECT_TRUE(ValuesEqual(x, {5, 1, 5, -1, 2, -1, -1, 3, -1}));
  x.index_put_({xg::tensor({2, 1}), 0}, xg::tensor({7.0, 8.0}));
  EXPECT_TRUE(ValuesEqual(x, {5, 1, 5, 8, 2, -1, 7, 3, -1}));
  auto w = xg::zeros({2}).requires_grad_();
  EXPECT_TRUE(Contains(xgtest::message_of<xg::AutogradError>([&] { w.index_put_({0}, 1.0); }),
                       "NoGradGuard"));
}

}  // namespace
