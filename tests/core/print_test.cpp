// Printing (operator<<, to_string, fmt): PyTorch-like text with dtype, grad_fn, requires_grad.
#include <gtest/gtest.h>

#include <sstream>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::Contains;

namespace {

std::string printed(const xg::Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

TEST(Print, Float32Matrix) {
  EXPECT_EQ(printed(xg::tensor({{1.0, 2.0}, {3.0, 4.0}})),
            "tensor([[1.0000, 2.0000],\n"
            "        [3.0000, 4.0000]])");
}

TEST(Print, Float64ShowsDtype) {
  const auto s = printed(xg::tensor({1.5, -2.0}, xg::kFloat64));
  EXPECT_EQ(s, "tensor([1.5000, -2.0000], dtype=float64)");
  EXPECT_TRUE(Contains(s, "dtype=float64"));
}

TEST(Print, Int64PrintsIntegers) {
  EXPECT_EQ(printed(xg::tensor({0, 2, 1}, xg::kInt64)), "tensor([0, 2, 1], dtype=int64)");
}

TEST(Print, ZeroDimensional) {
  EXPECT_EQ(printed(xg::full({}, 2.5)), "tensor(2.5000)");
}

TEST(Print, ProductShowsGradFn) {
  auto x = xg::tensor({1.0, 2.0}).requires_grad_();
  const auto s = printed(x * x);
  EXPECT_TRUE(Contains(s, "tensor("));
  EXPECT_TRUE(Contains(s, "grad_fn=<MulBackward>"));
  EXPECT_EQ(s, "tensor([1.0000, 4.0000], grad_fn=<MulBackward>)");
}

TEST(Print, OtherNodeNames) {
  auto x = xg::tensor({1.0, 2.0}, xg::kFloat64).requires_grad_();
  EXPECT_TRUE(Contains(printed(x + x), "grad_fn=<AddBackward>"));
  EXPECT_TRUE(Contains(printed(x * 2.0), "grad_fn=<MulScalarBackward>"));
  EXPECT_TRUE(Contains(printed(x.sum()), "grad_fn=<SumBackward>"));
  EXPECT_TRUE(Contains(printed(x.sum()), "dtype=float64, grad_fn="));
}

TEST(Print, LeafRequiringGrad) {
  auto x = xg::tensor({1.0}).requires_grad_();
  EXPECT_EQ(printed(x), "tensor([1.0000], requires_grad=true)");
}

TEST(Print, ScientificForTinyValues) {
  EXPECT_EQ(printed(xg::tensor({1e-5, 2.0})), "tensor([1.0000e-05, 2.0000e+00])");
}

TEST(Print, LargeTensorIsSummarized) {
  const auto s = printed(xg::zeros({2000}));
  EXPECT_TRUE(Contains(s, "..."));
  EXPECT_LT(s.size(), 200u);
}

TEST(Print, ToStringAndFmtMatchOperator) {
  auto t = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat64);
  EXPECT_EQ(xg::to_string(t), printed(t));
  EXPECT_EQ(fmt::format("{}", t), printed(t));
}

TEST(Print, Undefined) {
  EXPECT_EQ(printed(xg::Tensor()), "tensor(undefined)");
}

}  // namespace
