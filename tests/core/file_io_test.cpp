// xgrad::read_file, the one whole-file read (safetensors, optimizer and scheduler state, IDX
// and CSV): contents read whole, and every failure an IOError naming the caller and the path.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/file_helpers.hpp"
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

std::vector<uint8_t> bytes_of(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(FileIo, ReadsTheWholeFile) {
  const auto dir = xgtest::temp_dir("file_io_read");
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>(i * 7 % 256);  // NULs included
  xgtest::write_bytes(dir / "a.bin", text);
  EXPECT_EQ(xg::read_file((dir / "a.bin").string(), "test"), bytes_of(text));
  xgtest::write_bytes(dir / "empty", "");
  EXPECT_TRUE(xg::read_file((dir / "empty").string(), "test").empty());
}

TEST(FileIo, ReadsFilesWhoseSizeTheSystemDoesNotReport) {
  // /proc files have st_size 0 but content: read to the end, not to the reported size.
  if (!std::filesystem::exists("/proc/self/status")) GTEST_SKIP() << "no /proc";
  const auto bytes = xg::read_file("/proc/self/status", "test");
  const std::string text(bytes.begin(), bytes.end());
  EXPECT_TRUE(Contains(text, "Pid:"));
}

TEST(FileIo, ErrorsNameTheCallerThePathAndTheReason) {
  const auto dir = xgtest::temp_dir("file_io_errors");
  const std::string missing = (dir / "nope").string();
  EXPECT_EQ(message_of<xg::IOError>([&] { xg::read_file(missing, "read_idx"); }),
            "read_idx: cannot read '" + missing + "': no such file");
  EXPECT_EQ(message_of<xg::IOError>([&] { xg::read_file(dir.string(), "load_tensors"); }),
            "load_tensors: cannot read '" + dir.string() + "': it is a directory, not a file");
  EXPECT_EQ(message_of<xg::IOError>([&] { xg::read_file("", "read_csv"); }),
            "read_csv: the path is empty");
  // A path through a regular file: what the system said.
  xgtest::write_bytes(dir / "file", "x");
  EXPECT_TRUE(Contains(
      message_of<xg::IOError>([&] { xg::read_file((dir / "file" / "below").string(), "test"); }),
      "Not a directory"));
  // Unreadable: root reads anything, so only checked for other users.
  if (::geteuid() != 0) {
    xgtest::write_bytes(dir / "secret", "x");
    ::chmod((dir / "secret").c_str(), 0);
    EXPECT_TRUE(
        Contains(message_of<xg::IOError>([&] { xg::read_file((dir / "secret").string(), "test"); }),
                 "Permission denied"));
  }
}

}  // namespace
