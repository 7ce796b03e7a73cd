#pragma once
// Whole-file reads and writes for the dataset readers, gzip handled transparently through
// zlib. Errors are IOErrors naming the calling function (`fn`) and the path.
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

/// The bytes of a file, decompressed when it starts with the gzip magic (1f 8b).
/// IOError for a missing path, a directory, an unreadable file, a truncated or corrupt
/// gzip stream, or one that inflates past `limit`.
///   Example: auto bytes = read_file_bytes("t10k-labels-idx1-ubyte.gz", "read_idx");
std::vector<uint8_t> read_file_bytes(const std::string& path, const char* fn,
                                     const SizeLimit& limit = {});

/// Decompresses a gzip stream held in memory (several members are concatenated, as gzip
/// does). IOError naming `path` when it is truncated, corrupt or inflates past `limit`.
///   Example: auto raw = gunzip(bytes, "a.gz", "read_idx");
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed, const std::string& path,
                            const char* fn, const SizeLimit& limit = {});

/// Writes `bytes` (gzip-compressed when `gzip`) to a temporary file beside `path`, then renames
/// it over `path`: a failed write never leaves a half-written file.
///   Example: write_file_bytes("out.idx.gz", bytes, true, "write_idx");
void write_file_bytes(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip,
                      const char* fn);

}  // namespace xgrad::data
