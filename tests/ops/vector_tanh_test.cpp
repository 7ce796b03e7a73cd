// The vectorised float32 tanh (ops/detail/vector_math.hpp) against the correctly rounded value,
// on the special values, and through the tail of an array; its fused backward against the
// recorded (create_graph) formula.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {

/// Distance in units in the last place of float between a float and an exact value.
double ulps(float got, double exact) {
  const float rounded = static_cast<float>(exact);
  const float next = std::nextafter(std::fabs(rounded), std::numeric_limits<float>::infinity());
  return std::fabs(static_cast<double>(got) - exact) / (next - std::fabs(rounded));
}

std::vector<float> sample_values() {
  std::vector<float> v;
  for (int i = 0; i <= 20000; ++i) v.push_back(-12.f + 24.f * static_cast<float>(i) / 20000.f);
  for (float x :
       {0.f, -0.f, 1e-30f, -1e-40f, 0.625f, -0.625f, std::nextafter(0.625f, 0.f), 8.f, 9.f, 20.f,
        -87.f, 1e30f, std::numeric_limits<float>::max(), std::numeric_limits<float>::denorm_min()})
    v.push_back(x);
  return v;
}

TEST(VectorTanh, WithinTwoUlpOfTheCorrectlyRoundedValue) {
  const auto values = sample_values();
  const auto x = xg::tensor(std::vector<double>(values.begin(), values.end()),
                            {static_cast<int64_t>(values.size())}, xg::kFloat32);
  const auto y = xg::tanh(x);
  ASSERT_EQ(y.dtype(), xg::kFloat32);
  const float* py = y.data_ptr<float>();
  for (size_t i = 0; i < values.size(); ++i) {
    const double exact = std::tanh(static_cast<double>(values[i]));
    EXPECT_LE(ulps(py[i], exact), 2.0) << "tanh(" << values[i] << ") = " << py[i];
    EXPECT_EQ(std::signbit(py[i]), std::signbit(exact)) << values[i];  // tanh(-0) = -0
  }
}

TEST(VectorTanh, NonFiniteInputs) {
  const double inf = std::numeric_limits<double>::infinity();
  const auto y =
      xg::tanh(xg::tensor({inf, -inf, std::numeric_limits<double>::quiet_NaN()}, xg::kFloat32));
  const auto v = y.to_vector();
  EXPECT_EQ(v[0], 1.0);
  EXPECT_EQ(v[1], -1.0);
  EXPECT_TRUE(std::isnan(v[2]));
}

TEST(VectorTanh, TailElementsMatchTheVectorPath) {
  // Every length from 1 to 70 (tails of every size for 4-, 8- and 16-wide vectors): each
  // element's value never depends on its position in the array.
  const auto values = sample_values();
  const auto full = xg::tanh(
      xg::tensor(std::vector<double>(values.begin(), values.begin() + 70), {70}, xg::kFloat32));
  for (int64_t n = 1; n <= 70; ++n) {
    for (int64_t offset : {int64_t(0), 70 - n}) {
      std::vector<double> part(values.begin() + offset, values.begin() + offset + n);
      const auto y = xg::tanh(xg::tensor(part, {n}, xg::kFloat32));
      for (int64_t i = 0; i < n; ++i) {
        const float a = y.data_ptr<float>()[i], b = full.data_ptr<float>()[offset + i];
        EXPECT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "n " << n << " offset " << offset;
      }
    }
  }
}

TEST(VectorTanh, LargeInputSplitAcrossThreadsIsExact) {
  // Above the parallel grain: the same values as element-by-element calls on small tensors.
  const int64_t n = 100003;
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = std::sin(0.37 * static_cast<double>(i)) * 4;
  const auto y = xg::tanh(xg::tensor(v, {n}, xg::kFloat32));
  for (int64_t i = 0; i < n; i += 997) {
    const auto one = xg::tanh(xg::tensor({v[static_cast<size_t>(i)]}, xg::kFloat32));
    EXPECT_EQ(y.data_ptr<float>()[i], one.data_ptr<float>()[0]) << i;
  }
}

TEST(VectorTanh, FusedBackwardMatchesTheRecordedFormula) {
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    auto x = (xg::randn({37, 53}, dtype) * 2.0).requires_grad_();
    const auto w = xg::randn({37, 53}, dtype);
    // Plain backward: the fused pass.
    (xg::tanh(x) * w).sum().backward();
    const auto fused = x.grad().clone();
    // create_graph: g * (1 - y * y) recorded op by op.
    x.zero_grad();
    const auto recorded =
        xg::grad({(xg::tanh(x) * w).sum()}, {x}, {}, std::nullopt, /*create_graph=*/true)[0];
    EXPECT_TRUE(xg::allclose(fused, recorded.detach(), 1e-6, 1e-7)) << xg::dtype_name(dtype);
  }
}

}  // namespace
