// Tensor handles: creation, shape, dtype, element access, printing.
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

TEST(Tensor, FromNestedBracesHasShapeAndValues) {
  auto t = xg::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
  EXPECT_EQ(t.shape(), (xg::Shape{2, 3}));
  EXPECT_EQ(t.dtype(), xg::kFloat32);
  EXPECT_EQ(t.at({1, 2}), 6.0);
  EXPECT_EQ(t.numel(), 6);
}

TEST(Tensor, SmokeBackward) {
  auto x = xg::tensor({1.0, 2.0, 3.0}, xg::kFloat64).requires_grad_();
  auto y = (x * x).sum();
  y.backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<double>{2, 4, 6}));
}
