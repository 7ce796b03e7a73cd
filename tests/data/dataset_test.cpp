// Dataset interface, TensorDataset and the default get_batch.
#include <gtest/gtest.h>

#include <xgrad/data/dataset.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

// Example i: input [i, -i], target i % 3 (int64) — computed, not stored.
class Computed : public xd::Dataset {
 public:
  int64_t size() const override { return 7; }
  xd::Example get(int64_t i) const override {
    return {xg::tensor({double(i), double(-i)}),
            xg::tensor(std::vector<int64_t>{i % 3}, xg::Shape{})};
  }
};

xd::TensorDataset make_rows(int64_t n) {
  // inputs[i] = [[i, i+0.5], [i+0.25, i+0.75]] (3-D data), targets i * 10.
  std::vector<double> values;
  std::vector<int64_t> targets;
  for (int64_t i = 0; i < n; ++i) {
    for (double offset : {0.0, 0.5, 0.25, 0.75}) values.push_back(double(i) + offset);
    targets.push_back(i * 10);
  }
  return xd::TensorDataset(xg::tensor(values, {n, 2, 2}, xg::kFloat64), xg::tensor(targets, {n}));
}

TEST(TensorDataset, SizeAndGet) {
  const auto ds = make_rows(5);
  EXPECT_EQ(ds.size(), 5);
  const auto [x, y] = ds.get(3);
  EXPECT_EQ(x.shape(), (xg::Shape{2, 2}));
  EXPECT_EQ(x.to_vector(), (std::vector<double>{3, 3.5, 3.25, 3.75}));
  EXPECT_EQ(y.item(), 30);
}

TEST(TensorDataset, GetBatchGathersRowsInOrderWithRepeats) {
  const auto ds = make_rows(6);
  const auto b = ds.get_batch({4, 0, 4, 2});
  EXPECT_EQ(b.inputs.shape(), (xg::Shape{4, 2, 2}));
  EXPECT_EQ(b.inputs.dtype(), xg::kFloat64);
  EXPECT_EQ(b.targets.to_vector(), (std::vector<double>{40, 0, 40, 20}));
  EXPECT_EQ(b.inputs.at({2, 1, 0}), 4.25);
  EXPECT_EQ(b.inputs.at({3, 0, 1}), 2.5);
}

TEST(TensorDataset, GetBatchMatchesTheDefaultStackingPath) {
  const auto ds = make_rows(6);
  const std::vector<int64_t> idx{5, 1, 3};
  const auto fast = ds.get_batch(idx);
  const auto slow = ds.xd::Dataset::get_batch(idx);
  EXPECT_EQ(fast.inputs.shape(), slow.inputs.shape());
  EXPECT_EQ(fast.inputs.to_vector(), slow.inputs.to_vector());
  EXPECT_EQ(fast.targets.to_vector(), slow.targets.to_vector());
}

TEST(TensorDataset, BatchesAreCopies) {
  const auto ds = make_rows(3);
  const auto b = ds.get_batch({1});
  b.inputs.fill_(-1);
  EXPECT_EQ(ds.inputs().at({1, 0, 0}), 1.0);
}

TEST(TensorDataset, ErrorsNameTheProblem) {
  const auto msg = message_of<xg::ShapeError>([] {
    xd::TensorDataset(xg::zeros({4, 3}), xg::zeros({5}, xg::kInt64));
  });
  EXPECT_TRUE(Contains(msg, "[4, 3]"));
  EXPECT_TRUE(Contains(msg, "4 vs 5"));
  EXPECT_THROW(xd::TensorDataset(xg::zeros({}), xg::zeros({})), xg::ShapeError);
  EXPECT_THROW(xd::TensorDataset(xg::Tensor(), xg::zeros({1})), xg::ValueError);
  const auto ds = make_rows(3);
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { ds.get(3); }), "index 3 is out of range"));
  EXPECT_THROW(ds.get(-1), xg::IndexError);
  EXPECT_THROW(ds.get_batch({0, 7}), xg::IndexError);
  EXPECT_THROW(ds.get_batch({}), xg::ValueError);
}

TEST(TensorDataset, HeadTakesTheFirstExamples) {
  const auto ds = make_rows(5);
  const auto h = ds.head(2);
  EXPECT_EQ(h.size(), 2);
  EXPECT_EQ(h.targets().to_vector(), (std::vector<double>{0, 10}));
  EXPECT_EQ(ds.head(100).size(), 5);
  EXPECT_EQ(ds.head(0).size(), 0);
  EXPECT_THROW(ds.head(-1), xg::ValueError);
}

TEST(Dataset, DefaultGetBatchStacksExamples) {
  const Computed ds;
  const auto b = ds.get_batch({6, 2});
  EXPECT_EQ(b.inputs.shape(), (xg::Shape{2, 2}));
  EXPECT_EQ(b.inputs.to_vector(), (std::vector<double>{6, -6, 2, -2}));
  EXPECT_EQ(b.targets.shape(), (xg::Shape{2}));
  EXPECT_EQ(b.targets.to_vector(), (std::vector<double>{0, 2}));
  EXPECT_THROW(ds.get_batch({}), xg::ValueError);
}

}  // namespace
