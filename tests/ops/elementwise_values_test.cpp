// Forward values of elementwise ops on tiny float32/float64 inputs, exact in the element type.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
using xgtest::ValuesEqual;

namespace {

template <class T>
class ElementwiseValues : public ::testing::Test {
 protected:
  static constexpr xg::DType kDType = xg::dtype_of<T>();
  // a = [[1, 2], [3, 4]], b = [[0.5, -1], [2, 8]]
  const std::vector<T> av{1, 2, 3, 4}, bv{T(0.5), -1, 2, 8};
  xg::Tensor a = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, kDType);
  xg::Tensor b = xg::tensor({{0.5, -1.0}, {2.0, 8.0}}, kDType);

  /// f applied in T to each element of `v`, as doubles.
  template <class F>
  static std::vector<double> map(const std::vector<T>& v, F f) {
    std::vector<double> out;
    for (T x : v) out.push_back(static_cast<double>(static_cast<T>(f(x))));
    return out;
  }
  template <class F>
  static std::vector<double> zip(const std::vector<T>& u, const std::vector<T>& v, F f) {
    std::vector<double> out;
    for (size_t i = 0; i < u.size(); ++i)
      out.push_back(static_cast<double>(static_cast<T>(f(u[i], v[i]))));
    return out;
  }
  void expect(const xg::Tensor& t, const std::vector<double>& expected, xg::Shape shape = {2, 2}) {
    EXPECT_EQ(t.dtype(), kDType);
    EXPECT_EQ(t.shape(), shape);
    EXPECT_TRUE(ValuesEqual(t, expected));
  }
};

using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ElementwiseValues, FloatTypes);

TYPED_TEST(ElementwiseValues, TensorTensorSameShape) {
  this->expect(this->a + this->b, {1.5, 1, 5, 12});
  this->expect(this->a - this->b, {0.5, 3, 1, -4});
  this->expect(this->a * this->b, {0.5, -2, 6, 32});
  this->expect(this->a / this->b, {2, -2, 1.5, 0.5});
}

TYPED_TEST(ElementwiseValues, Broadcast) {
  const auto k = this->kDType;
  auto row = xg::tensor({10.0, 20.0}, k);    // [2]
  auto col = xg::tensor({{2.0}, {3.0}}, k);  // [2, 1]
  auto scalar = xg::full({}, 4.0, k);        // 0-d
  auto one = xg::tensor({-1.0}, k);          // [1]
  this->expect(this->a + row, {11, 22, 13, 24});
  this->expect(row - this->a, {9, 18, 7, 16});
  this->expect(this->a * col, {2, 4, 9, 12});
  this->expect(this->a / scalar, {0.25, 0.5, 0.75, 1});
  this->expect(scalar / this->a, this->map(this->av, [](TypeParam x) { return TypeParam(4) / x; }));
  this->expect(this->a * one, {-1, -2, -3, -4});
  // [3, 1] + [1, 4] -> [3, 4]
  auto c3 = xg::tensor({{0.0}, {10.0}, {20.0}}, k);
  auto r4 = xg::tensor({{1.0, 2.0, 3.0, 4.0}}, k);
  this->expect(c3 + r4, {1, 2, 3, 4, 11, 12, 13, 14, 21, 22, 23, 24}, {3, 4});
  this->expect(r4 - c3, {1, 2, 3, 4, -9, -8, -7, -6, -19, -18, -17, -16}, {3, 4});
  // [2, 1, 3] * [4, 1] -> [2, 4, 3]
  auto p = xg::tensor({{{1.0, 2.0, 3.0}}, {{4.0, 5.0, 6.0}}}, k);
  auto q = xg::tensor({{1.0}, {0.0}, {-1.0}, {2.0}}, k);
  this->expect(p * q,
               {1, 2, 3, 0, 0, 0, -1, -2, -3, 2, 4, 6, 4, 5, 6, 0, 0, 0, -4, -5, -6, 8, 10, 12},
               {2, 4, 3});
}

TYPED_TEST(ElementwiseValues, TensorScalar) {
  using T = TypeParam;
  this->expect(this->a + 1.0, {2, 3, 4, 5});
  this->expect(this->a - 1.0, {0, 1, 2, 3});
  this->expect(this->a * 3.0, {3, 6, 9, 12});
  this->expect(this->a / 4.0, {0.25, 0.5, 0.75, 1});
  this->expect(this->a / 3.0, this->map(this->av, [](T x) { return x / T(3); }));
}

TYPED_TEST(ElementwiseValues, ScalarTensor) {
  using T = TypeParam;
  this->expect(1.0 + this->a, {2, 3, 4, 5});
  this->expect(10.0 - this->a, {9, 8, 7, 6});
  this->expect(2.0 * this->a, {2, 4, 6, 8});
  this->expect(2.0 / this->a, this->map(this->av, [](T x) { return T(2) / x; }));
  this->expect(12.0 / this->a, {12, 6, 4, 3});
}

TYPED_TEST(ElementwiseValues, Unary) {
  using T = TypeParam;
  this->expect(-this->b, {-0.5, 1, -2, -8});
  this->expect(xg::neg(this->a), {-1, -2, -3, -4});
  this->expect(xg::exp(this->b), this->map(this->bv, [](T x) { return std::exp(x); }));
  this->expect(this->a.exp(), this->map(this->av, [](T x) { return std::exp(x); }));
  this->expect(xg::log(this->a), this->map(this->av, [](T x) { return std::log(x); }));
  this->expect(xg::log(xg::ones({2, 2}, this->kDType)), {0, 0, 0, 0});
  this->expect(xg::pow(this->b, 2.0), {0.25, 1, 4, 64});
  this->expect(this->a.pow(3.0), {1, 8, 27, 64});
  this->expect(xg::pow(this->a, 3.5), this->map(this->av, [](T x) { return std::pow(x, T(3.5)); }));
  this->expect(xg::pow(this->a, 0.5), this->map(this->av, [](T x) { return std::pow(x, T(0.5)); }));
  this->expect(xg::pow(this->a, -1.0),
               {1, 0.5, this->map(this->av, [](T x) { return T(1) / x; })[2], 0.25});
  this->expect(xg::pow(this->b, 0.0), {1, 1, 1, 1});
}

TYPED_TEST(ElementwiseValues, Relu) {
  auto x = xg::tensor({{-1.5, 0.0}, {2.0, -0.0}}, this->kDType);
  this->expect(xg::relu(x), {0, 0, 2, 0});
  this->expect(this->b.relu(), {0.5, 0, 2, 8});
}

TYPED_TEST(ElementwiseValues, CloneIsADeepCopy) {
  auto c = xg::clone(this->a);
  this->expect(c, {1, 2, 3, 4});
  EXPECT_NE(c.template data_ptr<TypeParam>(), this->a.template data_ptr<TypeParam>());
  c.fill_(0.0);
  EXPECT_TRUE(ValuesEqual(this->a, {1, 2, 3, 4}));
  this->expect(this->a.clone(), {1, 2, 3, 4});
}

TYPED_TEST(ElementwiseValues, ZeroDimensional) {
  auto s = xg::full({}, 3.0, this->kDType);
  this->expect(s * s + 1.0, {10}, {});
  this->expect(xg::exp(s * 0.0), {1}, {});
}

TYPED_TEST(ElementwiseValues, InputsUnchanged) {
  auto y = this->a * this->b + xg::exp(this->a) - this->b / 2.0;
  (void)y;
  EXPECT_TRUE(ValuesEqual(this->a, {1, 2, 3, 4}));
  EXPECT_TRUE(ValuesEqual(this->b, {0.5, -1, 2, 8}));
}

TEST(ElementwiseValuesMisc, LogOfZeroAndNegative) {
  auto y = xg::log(xg::tensor({0.0, -1.0}, xg::kFloat64));
  EXPECT_TRUE(std::isinf(y.to_vector()[0]) && y.to_vector()[0] < 0);
  EXPECT_TRUE(std::isnan(y.to_vector()[1]));
}

TEST(ElementwiseValuesMisc, ToConvertsDtype) {
  auto a = xg::tensor({1.5, -2.25}, xg::kFloat32);
  auto d = a.to(xg::kFloat64);
  EXPECT_EQ(d.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(d, {1.5, -2.25}));
  auto i = xg::to(xg::tensor({1.7, -2.2}, xg::kFloat64), xg::kInt64);
  EXPECT_EQ(i.dtype(), xg::kInt64);
  EXPECT_TRUE(ValuesEqual(i, {1, -2}));        // truncation, as static_cast
  EXPECT_TRUE(a.to(xg::kFloat32).is_same(a));  // same dtype: the tensor itself
}

TEST(ElementwiseValuesMisc, FloatRoundingIsInElementType) {
  // 0.1 is not exact: in float32 the result is computed and stored in float.
  auto f = xg::tensor({0.1}, xg::kFloat32) * 3.0;
  EXPECT_EQ(f.to_vector()[0], static_cast<double>(0.1f * 3.0f));
  auto d = xg::tensor({0.1}, xg::kFloat64) * 3.0;
  EXPECT_EQ(d.to_vector()[0], 0.1 * 3.0);
}

}  // namespace
