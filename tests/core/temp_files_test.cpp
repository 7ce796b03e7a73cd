// Atomic saves leave nothing behind: a writer killed with SIGKILL in the middle of a save
// leaves the previous checkpoint intact and no temporary file (the temporary is unnamed,
// O_TMPFILE), and named temporaries of dead processes (NAME.tmp-PID-N, where the OS has no
// unnamed files) are removed by the next save to the same path.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/file_helpers.hpp"
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace fs = std::filesystem;

int count_files(const fs::path& dir) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) n += entry.is_regular_file();
  return n;
}

/// A PID that belonged to a process that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

TEST(TempFiles, KilledSavesLeaveTheOldFileAndNoTemporaries) {
  auto dir = xgtest::temp_dir("temp_files_kill");
  const auto path = (dir / "model.safetensors").string();
  xg::save_tensors({{"w", xg::ones({4})}}, path);
  const std::string before = xgtest::read_bytes(path);
  const xg::TensorDict big{{"w", xg::zeros({8 << 20})}};  // 32 MB per save
  for (int kill_after_ms : {1, 5, 20, 40}) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      for (;;) xg::save_tensors(big, (dir / "other.safetensors").string());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
  }
  // The child wrote only other.safetensors (complete, if any save finished); nothing else.
  xg::save_tensors({{"w", xg::ones({4})}}, (dir / "other.safetensors").string());
  EXPECT_EQ(count_files(dir), 2);
  EXPECT_EQ(xgtest::read_bytes(path), before);
}

TEST(TempFiles, NextSaveRemovesTemporariesOfDeadProcessesOnly) {
  auto dir = xgtest::temp_dir("temp_files_stale");
  const auto path = (dir / "m.safetensors").string();
  const auto stale = fmt::format("{}.tmp-{}-0", path, dead_pid());
  const auto live = fmt::format("{}.tmp-{}-7", path, ::getpid());  // a save in progress
  const auto unrelated = (dir / "m.safetensors.tmp-notapid").string();
  for (const auto& f : {stale, live, unrelated}) xgtest::write_bytes(f, "partial");
  xg::save_tensors({{"w", xg::ones({2})}}, path);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  EXPECT_TRUE(fs::exists(unrelated));
  EXPECT_EQ(xg::load_tensors(path).at("w").numel(), 2);
  EXPECT_EQ(xg::remove_stale_temporaries(path), 0);
}

TEST(TempFiles, WriteFileAtomicKeepsTheOldFileWhenTheWriterFails) {
  auto dir = xgtest::temp_dir("temp_files_writer");
  const auto path = (dir / "f.bin").string();
  xg::write_file_atomic(
      path, [](int fd) { return xg::write_all(fd, "old", 3); }, "test");
  const auto message = xgtest::message_of<xg::IOError>([&] {
    xg::write_file_atomic(
        path,
        [](int) {
          errno = ENOSPC;
          return false;
        },
        "test");
  });
  EXPECT_TRUE(xgtest::Contains(message, "test: cannot write")) << message;
  EXPECT_TRUE(xgtest::Contains(message, "No space left")) << message;
  EXPECT_THROW(xg::write_file_atomic(
                   path, [](int) -> bool { throw xg::ValueError("x"); }, "t"),
               xg::ValueError);
  EXPECT_EQ(xgtest::read_bytes(path), "old");
  EXPECT_EQ(count_files(dir), 1);
}

}  // namespace
