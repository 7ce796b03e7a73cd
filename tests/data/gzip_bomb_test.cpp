// A gzip "bomb": a small .gz file whose IDX header declares a few bytes of data but which
// inflates to far more. Reading stops at the declared size instead of filling memory.
#include <gtest/gtest.h>
#include <zlib.h>

#include <xgrad/data/idx.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "data/temp_dir.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

/// Gzips `header` followed by `zeros` zero bytes, streamed (never held in memory at once).
void write_gzip_bomb(const std::string& path, const std::vector<uint8_t>& header, size_t zeros) {
  gzFile f = gzopen(path.c_str(), "wb9");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, header.data(), unsigned(header.size())), int(header.size()));
  const std::vector<uint8_t> block(1 << 20, 0);
  for (size_t left = zeros; left > 0;) {
    const size_t n = std::min(left, block.size());
    ASSERT_EQ(gzwrite(f, block.data(), unsigned(n)), int(n));
    left -= n;
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

TEST(GzipBomb, InflationStopsAtTheSizeTheHeaderDeclares) {
  xgtest::TempDir dir;
  const auto path = dir.file("bomb-idx1-ubyte.gz");
  // 16 declared bytes, 256 MB of zeros behind them (about 250 KB compressed).
  write_gzip_bomb(path, xgtest::idx_header(0x08, {16}), size_t(256) << 20);
  EXPECT_LT(std::filesystem::file_size(path), size_t(1) << 20);
  const auto message = message_of<xg::IOError>([&] { xd::read_idx(path); });
  EXPECT_TRUE(Contains(message, "inflates to more than the 24 bytes its header declares"))
      << message;
  EXPECT_THROW(xd::read_idx_labels(path), xg::IOError);
}

TEST(GzipBomb, ABadMagicNumberIsReportedBeforeInflatingTheRest) {
  xgtest::TempDir dir;
  const auto path = dir.file("junk.gz");
  write_gzip_bomb(path, {0x12, 0x34, 0x56, 0x78}, size_t(64) << 20);
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx(path); }), "not an IDX file"));
}

TEST(GzipBomb, FilesOfExactlyTheDeclaredSizeStillRead) {
  xgtest::TempDir dir;
  const auto path = dir.file("ok-idx1-ubyte.gz");
  write_gzip_bomb(path, xgtest::idx_header(0x08, {3000, 1000}), 3000 * 1000);
  EXPECT_EQ(xd::read_idx(path).shape(), (xg::Shape{3000, 1000}));
  // One byte more is trailing data, as for an uncompressed file.
  const auto longer = dir.file("long-idx1-ubyte.gz");
  write_gzip_bomb(longer, xgtest::idx_header(0x08, {10}), 11);
  EXPECT_THROW(xd::read_idx(longer), xg::IOError);
}

}  // namespace
