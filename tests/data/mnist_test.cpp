// load_mnist on small fake MNIST directories the test writes (never the real dataset).
#include <gtest/gtest.h>

#include <xgrad/data/mnist.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "data/temp_dir.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

// n images of 2x3 pixels, image i filled with value 10*i, and labels i % 10.
void write_split(const xgtest::TempDir& dir, const std::string& split, uint32_t n, bool gzip,
                 uint32_t n_labels = 0) {
  if (n_labels == 0) n_labels = n;
  std::vector<uint8_t> pixels, labels;
  for (uint32_t i = 0; i < n; ++i) pixels.insert(pixels.end(), 6, uint8_t(10 * i));
  for (uint32_t i = 0; i < n_labels; ++i) labels.push_back(uint8_t(i % 10));
  const std::string suffix = gzip ? ".gz" : "";
  const auto images = xgtest::idx_u8({n, 2, 3}, pixels);
  const auto label_file = xgtest::idx_u8({n_labels}, labels);
  if (gzip) {
    xgtest::write_gzip(dir.file(split + "-images-idx3-ubyte.gz"), images);
    xgtest::write_gzip(dir.file(split + "-labels-idx1-ubyte.gz"), label_file);
  } else {
    xgtest::write_bytes(dir.file(split + "-images-idx3-ubyte"), images);
    xgtest::write_bytes(dir.file(split + "-labels-idx1-ubyte"), label_file);
  }
}

TEST(Mnist, LoadsTrainAndTestSplits) {
  xgtest::TempDir dir;
  write_split(dir, "train", 12, true);
  write_split(dir, "t10k", 5, false);  // unpacked files are found too
  const auto train = xd::load_mnist(dir.path(), true);
  const auto test = xd::load_mnist(dir.path(), false);
  EXPECT_EQ(train.size(), 12);
  EXPECT_EQ(test.size(), 5);
  EXPECT_EQ(train.inputs().shape(), (xg::Shape{12, 6}));
  EXPECT_EQ(train.inputs().dtype(), xg::kFloat32);
  EXPECT_EQ(train.targets().dtype(), xg::kInt64);
  EXPECT_FLOAT_EQ(train.inputs().at({3, 5}), 30.0f / 255.0f);
  EXPECT_EQ(train.targets().at({11}), 1);
  EXPECT_EQ(test.targets().at({4}), 4);
}

TEST(Mnist, DottedFileNamesAreFound) {
  xgtest::TempDir dir;
  xgtest::write_bytes(dir.file("t10k-images.idx3-ubyte"), xgtest::idx_u8({1, 1, 1}, {255}));
  xgtest::write_bytes(dir.file("t10k-labels.idx1-ubyte"), xgtest::idx_u8({1}, {7}));
  const auto test = xd::load_mnist(dir.path(), false);
  EXPECT_EQ(test.inputs().at({0, 0}), 1.0);
  EXPECT_EQ(test.targets().at({0}), 7);
}

TEST(Mnist, MissingFilesListTheNamesLookedFor) {
  xgtest::TempDir dir;
  write_split(dir, "t10k", 3, true);
  const auto msg = message_of<xg::IOError>([&] { xd::load_mnist(dir.path(), true); });
  EXPECT_TRUE(Contains(msg, "train-images-idx3-ubyte.gz"));
  EXPECT_TRUE(Contains(msg, "train-images-idx3-ubyte,"));
  EXPECT_TRUE(Contains(msg, dir.path()));
  EXPECT_TRUE(Contains(msg, "dataset-fashion-mnist"));
  const auto no_dir = message_of<xg::IOError>([&] { xd::load_mnist(dir.file("not-there"), true); });
  EXPECT_TRUE(Contains(no_dir, "is not a directory"));
}

TEST(Mnist, ImageAndLabelCountsMustAgree) {
  xgtest::TempDir dir;
  write_split(dir, "train", 4, true, 3);
  const auto msg = message_of<xg::IOError>([&] { xd::load_mnist(dir.path(), true); });
  EXPECT_TRUE(Contains(msg, "holds 4 images"));
  EXPECT_TRUE(Contains(msg, "holds 3 labels"));
}

}  // namespace
