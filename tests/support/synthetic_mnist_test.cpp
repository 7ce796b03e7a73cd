// write_synthetic_mnist produces files load_mnist reads, with balanced, separable classes.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <xgrad/data/mnist.hpp>
#include <xgrad/xgrad.hpp>

#include "support/synthetic_mnist.hpp"

namespace {
namespace xg = xgrad;
namespace ex = xgrad::examples;

TEST(SyntheticMnist, LoadsLikeTheRealFiles) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("xgrad_synth_" + std::to_string(rd()));
  ex::write_synthetic_mnist(dir.string(), 50, 20, 1);
  const auto train = xg::data::load_mnist(dir.string(), true);
  const auto test = xg::data::load_mnist(dir.string(), false);
  EXPECT_EQ(train.inputs().shape(), (xg::Shape{50, 784}));
  EXPECT_EQ(test.size(), 20);
  const auto y = train.targets().to_vector();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(y[size_t(i)], i % 10);
  // Class 0 is a horizontal bar near the top: rows 3..7 are bright in column 14, row 20 is not.
  const auto x = train.inputs();
  EXPECT_GT(x.at({0, 5 * 28 + 14}), 0.7);
  EXPECT_LT(x.at({0, 20 * 28 + 14}), 0.3);
  std::filesystem::remove_all(dir);
  EXPECT_THROW(ex::write_synthetic_mnist(dir.string(), 0, 1), xg::ValueError);
}

}  // namespace
