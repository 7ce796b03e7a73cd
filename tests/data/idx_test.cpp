// IDX reading (plain and gzip, every element type) and every corrupt-file error.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <xgrad/data/idx.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "data/temp_dir.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

TEST(Idx, ReadsUInt8ImagesPlainAndGzipWithTheirShape) {
  xgtest::TempDir dir;
  const auto bytes = xgtest::idx_u8({2, 2, 3}, {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255});
  xgtest::write_bytes(dir.file("a-idx3-ubyte"), bytes);
  xgtest::write_gzip(dir.file("a-idx3-ubyte.gz"), bytes);
  for (const char* name : {"a-idx3-ubyte", "a-idx3-ubyte.gz"}) {
    const auto t = xd::read_idx(dir.file(name));
    EXPECT_EQ(t.shape(), (xg::Shape{2, 2, 3})) << name;
    EXPECT_EQ(t.dtype(), xg::kFloat32);
    EXPECT_EQ(t.to_vector(), (std::vector<double>{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}));
  }
}

TEST(Idx, ImagesAreFlattenedAndScaledToUnit) {
  xgtest::TempDir dir;
  xgtest::write_gzip(dir.file("img.gz"), xgtest::idx_u8({2, 1, 2}, {0, 255, 51, 102}));
  const auto t = xd::read_idx_images(dir.file("img.gz"));
  EXPECT_EQ(t.shape(), (xg::Shape{2, 2}));
  const float* p = t.data_ptr<float>();
  EXPECT_FLOAT_EQ(p[0], 0.0f);
  EXPECT_FLOAT_EQ(p[1], 1.0f);
  EXPECT_FLOAT_EQ(p[2], 0.2f);
  EXPECT_FLOAT_EQ(p[3], 0.4f);
}

TEST(Idx, LabelsAreInt64) {
  xgtest::TempDir dir;
  xgtest::write_bytes(dir.file("lab"), xgtest::idx_u8({4}, {9, 0, 3, 7}));
  const auto y = xd::read_idx_labels(dir.file("lab"));
  EXPECT_EQ(y.dtype(), xg::kInt64);
  EXPECT_EQ(y.shape(), (xg::Shape{4}));
  EXPECT_EQ(y.data_ptr<int64_t>()[0], 9);
  EXPECT_EQ(y.data_ptr<int64_t>()[3], 7);
}

TEST(Idx, ReadsSignedAndWideTypesBigEndian) {
  xgtest::TempDir dir;
  // int8: 0xff is -1.
  auto i8 = xgtest::idx_header(0x09, {2});
  i8.insert(i8.end(), {0xff, 0x05});
  xgtest::write_bytes(dir.file("i8"), i8);
  EXPECT_EQ(xd::read_idx(dir.file("i8"), xg::kInt64).to_vector(), (std::vector<double>{-1, 5}));
  // int16 big-endian: 0x0102 = 258, 0xfffe = -2.
  auto i16 = xgtest::idx_header(0x0B, {2});
  i16.insert(i16.end(), {0x01, 0x02, 0xff, 0xfe});
  xgtest::write_bytes(dir.file("i16"), i16);
  EXPECT_EQ(xd::read_idx(dir.file("i16"), xg::kInt64).to_vector(), (std::vector<double>{258, -2}));
  // int32 big-endian: 0x00010000 = 65536, 0x80000000 = INT32_MIN.
  auto i32 = xgtest::idx_header(0x0C, {1, 2});
  i32.insert(i32.end(), {0x00, 0x01, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00});
  xgtest::write_bytes(dir.file("i32"), i32);
  const auto t32 = xd::read_idx(dir.file("i32"), xg::kFloat64);
  EXPECT_EQ(t32.shape(), (xg::Shape{1, 2}));
  EXPECT_EQ(t32.to_vector(), (std::vector<double>{65536, -2147483648.0}));
  // float32 big-endian: 0x3fc00000 = 1.5, 0xc0200000 = -2.5.
  auto f32 = xgtest::idx_header(0x0D, {2});
  f32.insert(f32.end(), {0x3f, 0xc0, 0x00, 0x00, 0xc0, 0x20, 0x00, 0x00});
  xgtest::write_bytes(dir.file("f32"), f32);
  EXPECT_EQ(xd::read_idx(dir.file("f32")).to_vector(), (std::vector<double>{1.5, -2.5}));
  // float64 big-endian: 0x3fd0000000000000 = 0.25.
  auto f64 = xgtest::idx_header(0x0E, {1});
  f64.insert(f64.end(), {0x3f, 0xd0, 0, 0, 0, 0, 0, 0});
  xgtest::write_bytes(dir.file("f64"), f64);
  const auto t64 = xd::read_idx(dir.file("f64"), xg::kFloat64);
  EXPECT_EQ(t64.dtype(), xg::kFloat64);
  EXPECT_EQ(t64.item(), 0.25);
}

TEST(Idx, EmptyFirstDimensionIsAllowed) {
  xgtest::TempDir dir;
  xgtest::write_bytes(dir.file("e"), xgtest::idx_u8({0, 28, 28}, {}));
  EXPECT_EQ(xd::read_idx_images(dir.file("e")).shape(), (xg::Shape{0, 784}));
}

TEST(Idx, FloatFileCannotBeReadAsInt64) {
  xgtest::TempDir dir;
  auto f32 = xgtest::idx_header(0x0D, {1});
  f32.insert(f32.end(), {0x3f, 0xc0, 0x00, 0x00});
  xgtest::write_bytes(dir.file("f"), f32);
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] { xd::read_idx(dir.file("f"), xg::kInt64); }),
                       "float32"));
  EXPECT_THROW(xd::read_idx_labels(dir.file("f")), xg::DTypeError);
}

TEST(Idx, WrongMagicNumberIsAnIOError) {
  xgtest::TempDir dir;
  xgtest::write_text(dir.file("text"), "hello world, not an idx file");
  auto msg = message_of<xg::IOError>([&] { xd::read_idx(dir.file("text")); });
  EXPECT_TRUE(Contains(msg, "not an IDX file"));
  EXPECT_TRUE(Contains(msg, "0x68656c6c"));
  EXPECT_TRUE(Contains(msg, dir.file("text")));
  // Zero bytes but an unknown type code, and zero dimensions.
  xgtest::write_bytes(dir.file("badtype"), {0, 0, 0x07, 1, 0, 0, 0, 1, 5});
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("badtype")); }), "0x00000701"));
  xgtest::write_bytes(dir.file("nodims"), {0, 0, 0x08, 0});
  EXPECT_THROW(xd::read_idx(dir.file("nodims")), xg::IOError);
  xgtest::write_bytes(dir.file("tiny"), {0, 0});
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("tiny")); }),
                       "too few for an IDX header"));
}

TEST(Idx, DimsLargerThanTheDataIsAnIOError) {
  xgtest::TempDir dir;
  xgtest::write_bytes(dir.file("short"), xgtest::idx_u8({3, 2}, {1, 2, 3, 4, 5}));
  const auto msg = message_of<xg::IOError>([&] { xd::read_idx(dir.file("short")); });
  EXPECT_TRUE(Contains(msg, "too short"));
  EXPECT_TRUE(Contains(msg, "[3, 2]"));
  EXPECT_TRUE(Contains(msg, "only 5 bytes"));
  // Sizes whose product overflows 64 bits must not wrap around to a small number.
  xgtest::write_bytes(dir.file("huge"),
                      xgtest::idx_u8({0xffffffff, 0xffffffff, 0xffffffff}, {1, 2, 3}));
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("huge")); }), "too short"));
  // A zero count in front of huge dims holds no data, but the dims themselves are refused
  // (their product would overflow the per-image size).
  xgtest::write_bytes(dir.file("zero-huge"),
                      xgtest::idx_u8({0, 0xffffffff, 0xffffffff, 0xffffffff}, {}));
  EXPECT_THROW(xd::read_idx_images(dir.file("zero-huge")), xg::IOError);
  // A header that promises more dimensions than the file holds.
  xgtest::write_bytes(dir.file("hdr"), {0, 0, 0x08, 3, 0, 0, 0, 1});
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("hdr")); }), "truncated"));
}

TEST(Idx, TrailingBytesAreAnIOError) {
  xgtest::TempDir dir;
  xgtest::write_gzip(dir.file("long.gz"), xgtest::idx_u8({2}, {1, 2, 3, 4}));
  const auto msg = message_of<xg::IOError>([&] { xd::read_idx(dir.file("long.gz")); });
  EXPECT_TRUE(Contains(msg, "2 bytes of trailing data"));
}

TEST(Idx, TruncatedGzipIsAnIOError) {
  xgtest::TempDir dir;
  std::vector<uint8_t> values(5000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = uint8_t(i * 7919 % 251);
  xgtest::write_gzip(dir.file("full.gz"), xgtest::idx_u8({50, 100}, values));
  auto gz = xgtest::read_bytes(dir.file("full.gz"));
  ASSERT_GT(gz.size(), 100u);
  EXPECT_EQ(xd::read_idx(dir.file("full.gz")).numel(), 5000);  // the intact file reads
  for (size_t keep : {gz.size() - 1, gz.size() - 8, gz.size() / 2, size_t(12), size_t(2)}) {
    xgtest::write_bytes(dir.file("cut.gz"), std::vector<uint8_t>(gz.begin(), gz.begin() + keep));
    const auto msg = message_of<xg::IOError>([&] { xd::read_idx(dir.file("cut.gz")); });
    EXPECT_TRUE(Contains(msg, "truncated gzip")) << "kept " << keep << " bytes";
  }
}

TEST(Idx, CorruptGzipIsAnIOError) {
  xgtest::TempDir dir;
  std::vector<uint8_t> values(1000, 3);
  xgtest::write_gzip(dir.file("ok.gz"), xgtest::idx_u8({1000}, values));
  auto gz = xgtest::read_bytes(dir.file("ok.gz"));
  auto bad_crc = gz;
  bad_crc[gz.size() - 6] ^= 0xff;  // inside the CRC-32 of the trailer
  xgtest::write_bytes(dir.file("crc.gz"), bad_crc);
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("crc.gz")); }),
                       "not a valid gzip file"));
  auto junk = gz;
  junk.insert(junk.end(), {'j', 'u', 'n', 'k'});
  xgtest::write_bytes(dir.file("junk.gz"), junk);
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("junk.gz")); }),
                       "4 bytes of unexpected data after the end of its gzip stream"));
}

TEST(Idx, ConcatenatedGzipMembersAreOneFile) {
  xgtest::TempDir dir;
  const auto whole = xgtest::idx_u8({4}, {1, 2, 3, 4});
  xgtest::write_gzip(dir.file("p1.gz"), std::vector<uint8_t>(whole.begin(), whole.begin() + 6));
  xgtest::write_gzip(dir.file("p2.gz"), std::vector<uint8_t>(whole.begin() + 6, whole.end()));
  auto joined = xgtest::read_bytes(dir.file("p1.gz"));
  const auto second = xgtest::read_bytes(dir.file("p2.gz"));
  joined.insert(joined.end(), second.begin(), second.end());
  xgtest::write_bytes(dir.file("cat.gz"), joined);
  EXPECT_EQ(xd::read_idx(dir.file("cat.gz")).to_vector(), (std::vector<double>{1, 2, 3, 4}));
}

TEST(Idx, MissingPathAndDirectoryAreIOErrors) {
  xgtest::TempDir dir;
  const auto missing = message_of<xg::IOError>([&] { xd::read_idx(dir.file("nope")); });
  EXPECT_TRUE(Contains(missing, "no such file"));
  EXPECT_TRUE(Contains(missing, dir.file("nope")));
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.path()); }), "is a directory"));
}

TEST(Idx, LabelAndImageReadersCheckTheKindOfFile) {
  xgtest::TempDir dir;
  xgtest::write_bytes(dir.file("img"), xgtest::idx_u8({1, 2, 2}, {1, 2, 3, 4}));
  xgtest::write_bytes(dir.file("lab"), xgtest::idx_u8({4}, {1, 2, 3, 4}));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx_labels(dir.file("img")); }),
                       "one dimension"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx_images(dir.file("lab")); }),
                       "label file"));
}

TEST(Idx, WriteThenReadRoundTripsEveryType) {
  xgtest::TempDir dir;
  const auto t = xg::tensor({{-3.0, 0.0, 7.0}, {100.0, -100.0, 1.0}});
  for (auto type : {xd::IdxType::Int8, xd::IdxType::Int16, xd::IdxType::Int32, xd::IdxType::Float32,
                    xd::IdxType::Float64}) {
    for (const char* name : {"rt", "rt.gz"}) {
      xd::write_idx(dir.file(name), t, type);
      const auto back = xd::read_idx(dir.file(name), xg::kFloat64);
      EXPECT_EQ(back.shape(), t.shape());
      EXPECT_EQ(back.to_vector(), t.to_vector()) << name << " type " << int(type);
    }
  }
  // The .gz name really is gzip, the other really is not.
  EXPECT_EQ(xgtest::read_bytes(dir.file("rt.gz"))[0], 0x1f);
  EXPECT_EQ(xgtest::read_bytes(dir.file("rt"))[0], 0x00);
  // Written bytes are exactly the IDX layout, big-endian.
  xd::write_idx(dir.file("u8"), xg::tensor({1.0, 2.0}), xd::IdxType::UInt8);
  EXPECT_EQ(xgtest::read_bytes(dir.file("u8")), xgtest::idx_u8({2}, {1, 2}));
  xd::write_idx(dir.file("i16"), xg::tensor({258.0}), xd::IdxType::Int16);
  EXPECT_EQ(xgtest::read_bytes(dir.file("i16")),
            (std::vector<uint8_t>{0, 0, 0x0B, 1, 0, 0, 0, 1, 0x01, 0x02}));
}

TEST(Idx, WriteRejectsValuesTheTypeCannotHold) {
  xgtest::TempDir dir;
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xd::write_idx(dir.file("x"), xg::tensor({1.0, 300.0}), xd::IdxType::UInt8);
                       }),
                       "element 1 is 300"));
  EXPECT_THROW(xd::write_idx(dir.file("x"), xg::tensor({0.5}), xd::IdxType::Int32), xg::ValueError);
  EXPECT_THROW(xd::write_idx(dir.file("x"), xg::tensor(2.0), xd::IdxType::UInt8), xg::ValueError);
  EXPECT_FALSE(std::filesystem::exists(dir.file("x")));  // nothing half-written left behind
  EXPECT_THROW(xd::write_idx(dir.file("no/such/dir/x"), xg::tensor({1.0})), xg::IOError);
}

}  // namespace
