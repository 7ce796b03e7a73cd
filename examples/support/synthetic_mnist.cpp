#include "synthetic_mnist.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <random>
#include <vector>
#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/data/idx.hpp>

namespace xgrad::examples {
namespace {

void write_split(const std::string& dir, const std::string& split, int64_t count,
                 std::mt19937_64& rng) {
  constexpr int kSide = 28;
  std::vector<int64_t> pixels(static_cast<size_t>(count * kSide * kSide));
  std::vector<int64_t> labels(static_cast<size_t>(count));
  std::uniform_int_distribution<int> noise(0, 60), shift(-1, 1);
  for (int64_t i = 0; i < count; ++i) {
    const int k = static_cast<int>(i % 10);
    labels[size_t(i)] = k;
    // Class k: a 3-pixel bar, horizontal for even k and vertical for odd k, at 4 + 4*(k/2)
    // give or take one pixel.
    const int at = 4 + 4 * (k / 2) + shift(rng);
    int64_t* img = pixels.data() + size_t(i) * kSide * kSide;
    for (int r = 0; r < kSide; ++r) {
      for (int c = 0; c < kSide; ++c) {
        const int pos = k % 2 == 0 ? r : c;
        img[r * kSide + c] = (pos >= at && pos < at + 3) ? 255 - noise(rng) : noise(rng);
      }
    }
  }
  data::write_idx(dir + "/" + split + "-images-idx3-ubyte.gz",
                  tensor(pixels, {count, kSide, kSide}), data::IdxType::UInt8);
  data::write_idx(dir + "/" + split + "-labels-idx1-ubyte.gz", tensor(labels, {count}),
                  data::IdxType::UInt8);
}

}  // namespace

void write_synthetic_mnist(const std::string& dir, int64_t train_count, int64_t test_count,
                           uint64_t seed) {
  if (train_count < 1 || test_count < 1) {
    throw ValueError(fmt::format("write_synthetic_mnist: counts must be >= 1, got {} and {}",
                                 train_count, test_count));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw IOError(fmt::format("write_synthetic_mnist: cannot create '{}': {}", dir, ec.message()));
  }
  std::mt19937_64 rng(seed);
  write_split(dir, "train", train_count, rng);
  write_split(dir, "t10k", test_count, rng);
}

}  // namespace xgrad::examples
