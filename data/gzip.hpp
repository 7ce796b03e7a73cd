#pragma once
// Dataset files that may be gzip-compressed (zlib), on top of core's whole-file read and
// atomic write (core/file_io.hpp). Errors are IOErrors naming the calling function (`fn`) and
// the path.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace xgrad::data {

/// Given the first `size` bytes of a file's (decompressed) contents, the most bytes the whole
/// may have, or nullopt while it needs more bytes to tell; it may throw on a bad header. A
/// reader whose header declares its size passes one, so that a gzip "bomb" (8 MB inflating to
/// 8 GB) stops at the declared size instead of filling memory.
using SizeLimit = std::function<std::optional<size_t>(const uint8_t* data, size_t size)>;

/// The bytes of a file (read by xgrad::read_file), decompressed when it starts with the gzip
/// magic (1f 8b). IOError for a missing path, a directory, an unreadable file, a truncated or
/// corrupt gzip stream, or one that inflates past `limit`.
///   Example: auto bytes = read_maybe_gzip("t10k-labels-idx1-ubyte.gz", "read_idx");
std::vector<uint8_t> read_maybe_gzip(const std::string& path, const char* fn,
                                     const SizeLimit& limit = {});

/// Decompresses a gzip stream held in memory (several members are concatenated, as gzip
/// does). IOError naming `path` when it is truncated, corrupt or inflates past `limit`.
///   Example: auto raw = gunzip(bytes, "a.gz", "read_idx");
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed, const std::string& path,
                            const char* fn, const SizeLimit& limit = {});

/// Writes `bytes` (gzip-compressed when `gzip`) atomically (xgrad::write_file_atomic): a failed
/// write never leaves a half-written file.
///   Example: write_maybe_gzip("out.idx.gz", bytes, true, "write_idx");
void write_maybe_gzip(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip,
                      const char* fn);

}  // namespace xgrad::data
