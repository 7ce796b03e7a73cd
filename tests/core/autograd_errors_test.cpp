// Autograd misuse errors: the exception type, then that the message names the function and cause.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

namespace {

TEST(AutogradErrors, BackwardOnNonScalarWithoutGradOutput) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.backward(), xg::AutogradError);
  const auto msg = message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "backward"));
  EXPECT_TRUE(Contains(msg, "[2]"));
  EXPECT_TRUE(Contains(msg, "grad_output"));
}

TEST(AutogradErrors, BackwardOnTensorNotRequiringGrad) {
  auto y = xg::tensor({1.0, 2.0}).sum();
  EXPECT_THROW(y.backward(), xg::AutogradError);
  const auto msg = message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "backward"));
  EXPECT_TRUE(Contains(msg, "does not require grad"));
}

TEST(AutogradErrors, SecondBackwardThroughFreedGraph) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = xg::exp(x).sum();
  y.backward();
  EXPECT_THROW(y.backward(), xg::AutogradError);
  const auto msg = message_of<xg::AutogradError>([&] { y.backward(); });
  EXPECT_TRUE(Contains(msg, "second time"));
  EXPECT_TRUE(Contains(msg, "ExpBackward"));  // the node whose saved tensors were freed
}

TEST(AutogradErrors, SecondBackwardThroughFreedInnerNode) {
  // The outer sum is new, the exp node inside was already run and freed.
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto e = xg::exp(x);
  e.sum().backward();
  EXPECT_THROW(e.sum().backward(), xg::AutogradError);
  EXPECT_TRUE(
      Contains(message_of<xg::AutogradError>([&] { (e * 2.0).sum().backward(); }), "ExpBackward"));
}

TEST(AutogradErrors, GradOutputOfWrongShape) {
  auto x = xg::tensor({1.0, 2.0, 3.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.backward(xg::ones({2})), xg::ShapeError);
  const auto msg = message_of<xg::ShapeError>([&] { y.backward(xg::ones({2})); });
  EXPECT_TRUE(Contains(msg, "backward"));
  EXPECT_TRUE(Contains(msg, "[2]"));
  EXPECT_TRUE(Contains(msg, "[3]"));
}

TEST(AutogradErrors, GradOutputOfWrongDtype) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.backward(xg::ones({2}, xg::kFloat64)), xg::DTypeError);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { y.backward(xg::ones({2}, xg::kFloat64)); }),
                       "float64"));
}

TEST(AutogradErrors, ItemOnMultiElementTensor) {
  auto t = xg::zeros({2, 2});
  EXPECT_THROW(t.item(), xg::ValueError);
  const auto msg = message_of<xg::ValueError>([&] { t.item(); });
  EXPECT_TRUE(Contains(msg, "item"));
  EXPECT_TRUE(Contains(msg, "[2, 2]"));
  EXPECT_EQ(xg::ones({1, 1}).item(), 1.0);  // one element of any rank is fine
}

TEST(AutogradErrors, DataPtrDtypeMismatch) {
  auto t = xg::zeros({2});
  EXPECT_THROW(t.data_ptr<double>(), xg::DTypeError);
  EXPECT_THROW(t.data_ptr<int64_t>(), xg::DTypeError);
  const auto msg = message_of<xg::DTypeError>([&] { t.data_ptr<double>(); });
  EXPECT_TRUE(Contains(msg, "data_ptr"));
  EXPECT_TRUE(Contains(msg, "float32"));
  EXPECT_NO_THROW(t.data_ptr<float>());
}

TEST(AutogradErrors, AtOutOfRangeIsIndexError) {
  auto t = xg::zeros({2, 3});
  EXPECT_THROW(t.at({2, 0}), xg::IndexError);
  EXPECT_THROW(t.at({0}), xg::IndexError);
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { t.at({0, 3}); }), "at"));
}

TEST(AutogradErrors, EmptyNestedList) {
  EXPECT_THROW(xg::tensor({}), xg::ValueError);
  EXPECT_THROW(xg::tensor(xg::NestedList{}), xg::ValueError);
  EXPECT_THROW(xg::tensor({{1.0}, {}}), xg::ValueError);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { xg::tensor({}); }), "empty"));
}

TEST(AutogradErrors, RaggedNestedList) {
  EXPECT_THROW(xg::tensor({{1.0, 2.0}, {3.0}}), xg::ValueError);
  EXPECT_THROW(xg::tensor({{1.0, 2.0}, 3.0}), xg::ValueError);
  EXPECT_THROW(xg::tensor({1.0, {2.0, 3.0}}), xg::ValueError);
  const auto msg = message_of<xg::ValueError>([] { xg::tensor({{1.0, 2.0}, {3.0}}); });
  EXPECT_TRUE(Contains(msg, "tensor"));
  EXPECT_TRUE(Contains(msg, "ragged"));
}

TEST(AutogradErrors, UndefinedTensorAccess) {
  xg::Tensor t;
  EXPECT_FALSE(t.defined());
  EXPECT_THROW(t.shape(), xg::ValueError);
  EXPECT_THROW((void)(t + t), xg::ValueError);
}

}  // namespace
