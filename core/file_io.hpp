#pragma once
// The one home of file I/O: whole-file reads and atomic writes, used by every reader and
// writer in the library (safetensors checkpoints and optimizer and scheduler state, IDX and
// CSV datasets, the tune reports and the examples' outputs). Errors are IOErrors that name
// the calling function (`fn`), the path and the reason.
//
// Atomic writes: a reader, a crash or a full disk sees the old file or the complete new one,
// never half of it, and a killed writer leaves nothing behind.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xgrad {

/// The whole of the file `path`, read to its end. IOError "FN: cannot read 'PATH': REASON"
/// when the path is empty, missing ("no such file"), a directory ("it is a directory, not a
/// file") or unreadable (what the system said: permission denied, an I/O error, ...).
///   Example: const std::vector<uint8_t> bytes = read_file("model.safetensors", "load_tensors");
std::vector<uint8_t> read_file(const std::string& path, const char* fn);

/// Writes `path` atomically. `write(fd)` fills a temporary file in the target's directory and
/// returns false on failure (errno set). The temporary is unnamed where the OS has O_TMPFILE
/// (Linux: a kill -9 leaves nothing), else `NAME.tmp-PID-N`; it is fsynced, renamed over
/// `path`, and the directory is fsynced. Temporaries left by dead processes beside `path` are
/// removed first. IOError naming `fn`, the path and the reason on failure; the old file stays.
///   Example: write_file_atomic("a.bin", [&](int fd) { return write_all(fd, p, n); }, "save");
void write_file_atomic(const std::string& path, const std::function<bool(int fd)>& write,
                       const char* fn);

/// Writes all of [data, data + size) to fd, retrying short writes; false (errno set) on error.
bool write_all(int fd, const void* data, std::size_t size);

/// Removes `NAME.tmp-PID-N` files beside `path` whose process no longer runs; returns how many.
int remove_stale_temporaries(const std::string& path);

}  // namespace xgrad
