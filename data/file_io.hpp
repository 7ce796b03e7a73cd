#pragma once
// Whole-file reads and writes for the dataset readers, gzip handled transparently through
// zlib. Errors are IOErrors naming the calling function (`fn`) and the path.
#include <cstdint>
#include <string>
#include <vector>

namespace xgrad::data {

/// The bytes of a file, decompressed when it starts with the gzip magic (1f 8b).
/// IOError for a missing path, a directory, an unreadable file, or a truncated or corrupt
/// gzip stream.  Example: auto bytes = read_file_bytes("t10k-labels-idx1-ubyte.gz", "read_idx");
std::vector<uint8_t> read_file_bytes(const std::string& path, const char* fn);

/// Decompresses a gzip stream held in memory (several members are concatenated, as gzip
/// does). IOError naming `path` when it is truncated or corrupt.
///   Example: auto raw = gunzip(bytes, "a.gz", "read_idx");
std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed, const std::string& path,
                            const char* fn);

/// Writes `bytes` (gzip-compressed when `gzip`) to a temporary file beside `path`, then renames
/// it over `path`: a failed write never leaves a half-written file.
///   Example: write_file_bytes("out.idx.gz", bytes, true, "write_idx");
void write_file_bytes(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip,
                      const char* fn);

}  // namespace xgrad::data
