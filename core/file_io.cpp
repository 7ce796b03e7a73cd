#include <xgrad/core/file_io.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <xgrad/core/error.hpp>

namespace xgrad {
namespace {

/// The directory part of `path` ("." when there is none) and the file name.
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

/// A name beside `path` for the temporary: NAME.tmp-PID-N, unique within this process.
std::string temp_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return fmt::format("{}.tmp-{}-{}", path, ::getpid(), counter++);
}

/// fsync of a directory, so that a rename in it survives a power cut. Best effort: some file
/// systems refuse fsync on directories, which loses nothing a crash would keep anyway.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

}  // namespace

std::vector<uint8_t> read_file(const std::string& path, const char* fn) {
  const auto fail = [&](const std::string& reason) {
    throw IOError(fmt::format("{}: cannot read '{}': {}", fn, path, reason));
  };
  if (path.empty()) throw IOError(fmt::format("{}: the path is empty", fn));
  // One descriptor for the checks and the read, so the file checked is the file read.
  struct Fd {
    int fd;
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
  } file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(errno == ENOENT ? "no such file" : std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) fail(std::strerror(errno));
  if (S_ISDIR(info.st_mode)) fail("it is a directory, not a file");
  // Up to n bytes into p; 0 at the end of the file.
  const auto read_some = [&](uint8_t* p, std::size_t n) {
    while (true) {
      const ssize_t got = ::read(file.fd, p, n);
      if (got >= 0) return static_cast<std::size_t>(got);
      if (errno != EINTR) fail(std::strerror(errno));
    }
  };
  const auto no_memory = [&] {
    throw OutOfMemoryError(fmt::format("{}: cannot read '{}': out of memory for its {} bytes", fn,
                                       path, static_cast<long long>(info.st_size)));
  };
  std::vector<uint8_t> bytes;
  try {
    // The size fstat reports, read in place; then whatever follows it (a file that grew
    // meanwhile, or one whose size the system does not report: /proc files, pipes).
    bytes.resize(S_ISREG(info.st_mode) ? static_cast<std::size_t>(info.st_size) : 0);
    std::size_t filled = 0;
    while (filled < bytes.size()) {
      const std::size_t got = read_some(bytes.data() + filled, bytes.size() - filled);
      if (got == 0) break;  // it shrank meanwhile
      filled += got;
    }
    bytes.resize(filled);
    uint8_t chunk[1 << 14];
    while (const std::size_t got = read_some(chunk, sizeof chunk))
      bytes.insert(bytes.end(), chunk, chunk + got);
  } catch (const std::bad_alloc&) {
    no_memory();
  } catch (const std::length_error&) {  // a size above the vector's max_size()
    no_memory();
  }
  return bytes;
}

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

int remove_stale_temporaries(const std::string& path) {
  const auto [dir, name] = split_path(path);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  const std::string prefix = name + ".tmp-";
  int removed = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string entry = e->d_name;
    if (entry.compare(0, prefix.size(), prefix) != 0) continue;
    // NAME.tmp-PID-N: the writer's PID, then a counter.
    char* end = nullptr;
    const long pid = std::strtol(entry.c_str() + prefix.size(), &end, 10);
    if (pid <= 0 || *end != '-') continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still running
    if (::unlink((dir + "/" + entry).c_str()) == 0) ++removed;
  }
  ::closedir(d);
  return removed;
}

void write_file_atomic(const std::string& path, const std::function<bool(int fd)>& write,
                       const char* fn) {
  const auto fail = [&](const std::string& reason) {
    throw IOError(fmt::format("{}: cannot write '{}': {}", fn, path, reason));
  };
  if (path.empty()) throw IOError(fmt::format("{}: the path is empty", fn));
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) fail("it is a directory");
  const std::string dir = split_path(path).first;
  remove_stale_temporaries(path);

  // An unnamed file in the target's directory (same file system, so the rename is atomic):
  // nothing to clean up if we are killed while writing it.
  std::string named;  // the temporary's name, once it has one
  // It is named later through /proc/self/fd, so only where /proc is mounted.
  static const bool have_proc = ::access("/proc/self/fd", X_OK) == 0;
  int fd = have_proc ? ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644) : -1;
  const bool unnamed = fd >= 0;
  if (!unnamed) {
    named = temp_name(path);
    fd = ::open(named.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail(fmt::format("cannot create a file in '{}': {}", dir, std::strerror(errno)));
  }
  bool ok = false;
  int err = 0;
  try {
    ok = write(fd);
  } catch (...) {
    ::close(fd);
    if (!named.empty()) ::unlink(named.c_str());
    throw;
  }
  if (!ok) err = errno;
  if (ok && ::fsync(fd) != 0) ok = false, err = errno;
  if (ok && unnamed) {
    // Give the finished file a name (linkat through /proc, which needs no privilege), then
    // rename that name over the target.
    named = temp_name(path);
    const std::string self = fmt::format("/proc/self/fd/{}", fd);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, named.c_str(), AT_SYMLINK_FOLLOW) != 0)
      ok = false, err = errno, named.clear();
  }
  if (::close(fd) != 0 && ok) ok = false, err = errno;
  if (ok && ::rename(named.c_str(), path.c_str()) != 0) ok = false, err = errno;
  if (!ok) {
    if (!named.empty()) ::unlink(named.c_str());
    fail(err ? std::strerror(err) : "the write failed");
  }
  sync_directory(dir);
}

}  // namespace xgrad
