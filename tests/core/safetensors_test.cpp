// save_tensors / load_tensors: round trips, the bytes on disk checked by an independent
// minimal reader, every malformed-file error, and atomic writes.
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/file_helpers.hpp"
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace fs = std::filesystem;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::read_bytes;
using xgtest::temp_dir;
using xgtest::write_bytes;

/// A file built by hand: 8-byte length, the header text as given, then `data`.
std::string raw_file(const std::string& header, const std::string& data) {
  uint64_t n = header.size();
  std::string bytes(reinterpret_cast<const char*>(&n), 8);
  return bytes + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string out;
  for (float v : values) out.append(reinterpret_cast<const char*>(&v), sizeof v);
  return out;
}

TEST(Safetensors, RoundTripKeepsDtypesShapesValuesAndMetadata) {
  auto dir = temp_dir("safetensors_roundtrip");
  xg::manual_seed(3);
  xg::TensorDict tensors{{"a.weight", xg::randn({3, 2})},
                         {"b", xg::randn({4}, xg::kFloat64)},
                         {"count", xg::tensor(std::vector<int64_t>{7, -2}, {2})},
                         {"scalar", xg::full({}, 2.5)},
                         {"empty", xg::zeros({0, 3})}};
  xg::save_tensors(tensors, (dir / "t.safetensors").string(), {{"epoch", "3"}, {"note", "hi"}});
  xg::Metadata metadata;
  auto loaded = xg::load_tensors((dir / "t.safetensors").string(), &metadata);
  ASSERT_EQ(loaded.size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    const auto& l = loaded.at(name);
    EXPECT_EQ(l.dtype(), t.dtype()) << name;
    EXPECT_EQ(l.shape(), t.shape()) << name;
    EXPECT_EQ(l.to_vector(), t.to_vector()) << name;
  }
  EXPECT_EQ(metadata, (xg::Metadata{{"epoch", "3"}, {"note", "hi"}}));
}

// The bytes on disk, read by a reader written here from the format description alone.
TEST(Safetensors, FileIsValidSafetensorsByAnIndependentReader) {
  auto dir = temp_dir("safetensors_independent");
  auto w = xg::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
  auto b = xg::tensor({0.5, -0.25}, xg::kFloat64);
  xg::save_tensors({{"w", w}, {"b", b}}, (dir / "f.safetensors").string(), {{"k", "v"}});
  const std::string bytes = read_bytes(dir / "f.safetensors");

  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(bytes[i]);  // little-endian
  ASSERT_LE(8 + n, bytes.size());
  EXPECT_EQ((8 + n) % 8, 0u) << "data should start 8-byte aligned";
  const std::string header_text = bytes.substr(8, n);
  EXPECT_EQ(header_text.front(), '{');
  auto header = nlohmann::json::parse(header_text);
  EXPECT_EQ(header["__metadata__"]["k"], "v");
  const std::string data = bytes.substr(8 + n);
  EXPECT_EQ(header["w"]["dtype"], "F32");
  EXPECT_EQ(header["w"]["shape"], nlohmann::json({3, 2}));
  EXPECT_EQ(header["b"]["dtype"], "F64");
  EXPECT_EQ(header["b"]["shape"], nlohmann::json({2}));
  auto read_range = [&](const nlohmann::json& entry) {
    auto begin = entry["data_offsets"][0].get<size_t>(),
         end = entry["data_offsets"][1].get<size_t>();
    return data.substr(begin, end - begin);
  };
  const std::string wb = read_range(header["w"]), bb = read_range(header["b"]);
  ASSERT_EQ(wb.size(), 6 * sizeof(float));
  ASSERT_EQ(bb.size(), 2 * sizeof(double));
  float wv[6];
  double bv[2];
  std::memcpy(wv, wb.data(), sizeof wv);
  std::memcpy(bv, bb.data(), sizeof bv);
  EXPECT_EQ(std::vector<float>(wv, wv + 6), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(bv[0], 0.5);
  EXPECT_EQ(bv[1], -0.25);
  // The tensors tile the data buffer exactly.
  EXPECT_EQ(data.size(), wb.size() + bb.size());
}

TEST(Safetensors, BoolBytesOtherThanZeroOrOneAreRefused) {
  const auto dir = temp_dir("bool_bytes");
  const std::string header = R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})";
  write_bytes(dir / "ok.safetensors", raw_file(header, std::string("\x01\x00\x01", 3)));
  auto ok = xg::load_tensors((dir / "ok.safetensors").string());
  EXPECT_EQ(ok.at("m").sum().item<int64_t>(), 2);
  write_bytes(dir / "bad.safetensors", raw_file(header, std::string("\x01\x02\x00", 3)));
  const auto msg =
      message_of<xg::IOError>([&] { xg::load_tensors((dir / "bad.safetensors").string()); });
  EXPECT_TRUE(Contains(msg, "BOOL element 1 holds the byte 2")) << msg;
}

TEST(Safetensors, ReadsAFileWrittenByHandWithPaddingAndMetadata) {
  auto dir = temp_dir("safetensors_byhand");
  std::string header =
      R"({"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  header.append((8 - header.size() % 8) % 8, ' ');
  write_bytes(dir / "h.safetensors", raw_file(header, floats({1.5f, -2.0f})));
  xg::Metadata metadata;
  auto t = xg::load_tensors((dir / "h.safetensors").string(), &metadata);
  EXPECT_EQ(t.at("x").to_vector(), (std::vector<double>{1.5, -2.0}));
  EXPECT_EQ(metadata.at("format"), "pt");
}

struct BadFile {
  const char* label;
  std::string bytes;
  const char* expected;  // part of the message
};

TEST(Safetensors, EveryMalformedFileIsAnIOErrorNamingPathAndReason) {
  auto dir = temp_dir("safetensors_malformed");
  const std::string ok_entry = R"("x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::string two = floats({1.0f, 2.0f});
  std::string huge_len(8, '\0');
  huge_len[6] = 1;  // 2^48
  const std::vector<BadFile> cases = {
      {"empty", "", "truncated"},
      {"short", "abc", "truncated"},
      {"header past end", raw_file("{}", "").substr(0, 8) + "{", "past the end"},
      {"header length above the limit", huge_len + "{}", "limit"},
      {"invalid json", raw_file("{\"x\": [1, 2", ""), "not valid JSON"},
      {"not an object", raw_file("[1,2]   ", ""), "not a JSON object"},
      {"unknown dtype", raw_file(R"({"x":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", two),
       "unknown dtype 'Q7'"},
      {"unsupported dtype",
       raw_file(R"({"x":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}})", two),
       "unsupported dtype 'F16'"},
      {"missing field", raw_file(R"({"x":{"dtype":"F32","shape":[2]}})", two),
       "no \"data_offsets\""},
      {"negative dim", raw_file(R"({"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", two),
       "non-negative"},
      {"wrong shape for bytes",
       raw_file(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", two),
       "needs 12 bytes"},
      {"offsets outside buffer",
       raw_file(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", two), "outside"},
      {"offsets reversed",
       raw_file(R"({"x":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", two), "end before"},
      {"overlapping",
       raw_file("{" + ok_entry + R"(,"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", two),
       "overlap"},
      {"hole", raw_file(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", two),
       "belong to no tensor"},
      {"trailing bytes", raw_file("{" + ok_entry + "}", two + "junk"), "cover 8"},
      {"truncated data", raw_file("{" + ok_entry + "}", two.substr(0, 5)), "outside"},
      {"zero dim hiding huge dims",
       raw_file(
           R"({"x":{"dtype":"F32","shape":[0,4611686018427387904,4611686018427387904],"data_offsets":[0,0]}})",
           ""),
       "too large"},
      {"metadata not strings", raw_file(R"({"__metadata__":{"a":1}})", ""), "not a string"},
      {"entry not object", raw_file(R"({"x":5})", ""), "not a JSON object"},
      {"offsets wrong arity",
       raw_file(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", two), "[begin, end]"},
  };
  for (const auto& c : cases) {
    const auto path = dir / "bad.safetensors";
    write_bytes(path, c.bytes);
    const auto msg = message_of<xg::IOError>([&] { xg::load_tensors(path.string()); });
    EXPECT_TRUE(Contains(msg, c.expected)) << c.label;
    EXPECT_TRUE(Contains(msg, path.string())) << c.label;
  }
}

TEST(Safetensors, MissingPathAndDirectoryAreIOErrors) {
  auto dir = temp_dir("safetensors_paths");
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xg::load_tensors((dir / "nope").string()); }),
               "load_tensors: cannot read '" + (dir / "nope").string() + "': no such file"));
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([&] { xg::load_tensors(dir.string()); }), "is a directory"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] {
                         xg::save_tensors({{"a", xg::ones({1})}}, dir.string());
                       }),
                       "is a directory"));
}

TEST(Safetensors, FailedSaveLeavesTheExistingFileIntact) {
  auto dir = temp_dir("safetensors_atomic");
  const auto path = (dir / "model.safetensors").string();
  xg::save_tensors({{"a", xg::ones({3})}}, path);
  const std::string before = read_bytes(path);
  // An undefined tensor is refused before anything is written.
  EXPECT_THROW(xg::save_tensors({{"a", xg::Tensor()}}, path), xg::ValueError);
  EXPECT_EQ(read_bytes(path), before);
  // A directory we cannot write into: the save fails, the old file stays (root ignores mode
  // bits, so the test makes the directory unusable by replacing it... only when not root).
  if (::geteuid() != 0) {
    ::chmod(dir.c_str(), 0500);
    EXPECT_THROW(xg::save_tensors({{"a", xg::zeros({3})}}, path), xg::IOError);
    ::chmod(dir.c_str(), 0700);
    EXPECT_EQ(read_bytes(path), before);
  }
  // A save into a directory that does not exist fails the same way and leaves nothing behind.
  EXPECT_THROW(xg::save_tensors({{"a", xg::zeros({3})}}, (dir / "no" / "x.safetensors").string()),
               xg::IOError);
  // No temporary files are left next to the checkpoint.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
  EXPECT_EQ(read_bytes(path), before);
}

TEST(Safetensors, OverwritingReplacesTheWholeFile) {
  auto dir = temp_dir("safetensors_overwrite");
  const auto path = (dir / "m.safetensors").string();
  xg::save_tensors({{"big", xg::ones({1000})}}, path);
  xg::save_tensors({{"small", xg::ones({2})}}, path);
  auto loaded = xg::load_tensors(path);
  EXPECT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded.count("small"), 1u);
}

TEST(Safetensors, NonUtf8NamesAreAValueErrorAndWriteNothing) {
  auto dir = temp_dir("safetensors_utf8");
  const auto path = (dir / "x").string();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         xg::save_tensors({{"bad\xff", xg::ones({1})}}, path);
                       }),
                       "not valid UTF-8"));
  EXPECT_THROW(xg::save_tensors({{"a", xg::ones({1})}}, path, {{"k", "\xfe"}}), xg::ValueError);
  EXPECT_FALSE(fs::exists(path));
}

TEST(Safetensors, RefusesReservedAndEmptyNames) {
  auto dir = temp_dir("safetensors_names");
  EXPECT_THROW(xg::save_tensors({{"__metadata__", xg::ones({1})}}, (dir / "x").string()),
               xg::ValueError);
  EXPECT_THROW(xg::save_tensors({{"", xg::ones({1})}}, (dir / "x").string()), xg::ValueError);
}

}  // namespace
