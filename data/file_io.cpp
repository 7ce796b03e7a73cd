#include "file_io.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "../core/error.hpp"

namespace xgrad::data {
namespace {

namespace fs = std::filesystem;

bool starts_with_gzip_magic(const uint8_t* p, size_t n) {
  return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

// Checks what std::ifstream would report only as "failed": missing path, a directory.
void check_readable_path(const std::string& path, const char* fn) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw IOError(fmt::format("{}: cannot read '{}': no such file", fn, path));
  }
  if (fs::is_directory(status)) {
    throw IOError(fmt::format("{}: cannot read '{}': it is a directory, not a file", fn, path));
  }
}

}  // namespace

std::vector<uint8_t> read_file_bytes(const std::string& path, const char* fn) {
  check_readable_path(path, fn);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw IOError(fmt::format("{}: cannot open '{}': {}", fn, path, std::strerror(errno)));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) throw IOError(fmt::format("{}: cannot determine the size of '{}'", fn, path));
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw IOError(fmt::format("{}: error reading '{}' ({} bytes expected)", fn, path, size));
  }
  if (starts_with_gzip_magic(bytes.data(), bytes.size())) return gunzip(bytes, path, fn);
  return bytes;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed, const std::string& path,
                            const char* fn) {
  // Inflate straight into `out`, sized first from the gzip trailer, whose last 4 bytes hold
  // the uncompressed size mod 2^32 (bounded: deflate's best ratio is about 1032:1, so a
  // corrupt trailer cannot ask for gigabytes up front).
  std::vector<uint8_t> out;
  size_t guess = 1 << 16;
  if (compressed.size() >= 18) {
    const uint8_t* t = compressed.data() + compressed.size() - 4;
    const uint32_t isize =
        uint32_t(t[0]) | uint32_t(t[1]) << 8 | uint32_t(t[2]) << 16 | uint32_t(t[3]) << 24;
    guess = std::max<size_t>(guess, std::min<uint64_t>(isize, uint64_t(compressed.size()) * 1032));
  }
  out.resize(guess);
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {  // 16+: expect a gzip header and trailer
    throw IOError(fmt::format("{}: zlib could not start decompressing '{}'", fn, path));
  }
  size_t consumed = 0, produced = 0;
  const auto fail = [&](const std::string& message) {
    inflateEnd(&zs);
    throw IOError(message);
  };
  while (true) {
    if (produced == out.size()) out.resize(out.size() * 2);
    constexpr size_t kMaxChunk = size_t(1) << 30;  // z_stream counts in 32-bit uInt
    zs.next_in = const_cast<Bytef*>(compressed.data() + consumed);
    zs.avail_in = static_cast<uInt>(std::min(compressed.size() - consumed, kMaxChunk));
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxChunk));
    const uInt in_before = zs.avail_in, out_before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    consumed += in_before - zs.avail_in;
    produced += out_before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // gzip allows several members one after another; anything else after the end is junk.
      if (consumed == compressed.size()) break;
      if (!starts_with_gzip_magic(compressed.data() + consumed, compressed.size() - consumed)) {
        fail(
            fmt::format("{}: '{}' has {} bytes of unexpected data after the end of its gzip "
                        "stream",
                        fn, path, compressed.size() - consumed));
      }
      inflateReset(&zs);
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && consumed == compressed.size()) {
      fail(
          fmt::format("{}: '{}' is a truncated gzip file: the compressed stream ends early after "
                      "{} decompressed bytes (incomplete download or copy?)",
                      fn, path, produced));
    }
    if (rc == Z_BUF_ERROR) continue;  // output space was full: grow and go on
    fail(fmt::format("{}: '{}' is not a valid gzip file: {} (zlib code {})", fn, path,
                     zs.msg ? zs.msg : "unknown zlib error", rc));
  }
  out.resize(produced);
  inflateEnd(&zs);
  return out;
}

void write_file_bytes(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip,
                      const char* fn) {
  const std::string tmp = path + ".tmp";
  bool ok = false;
  if (gzip) {
    gzFile f = gzopen(tmp.c_str(), "wb");
    if (f) {
      ok = true;
      // gzwrite takes an unsigned length: write in chunks well below its limit.
      for (size_t at = 0; ok && at < bytes.size(); at += size_t(1) << 30) {
        const auto n = static_cast<unsigned>(std::min(bytes.size() - at, size_t(1) << 30));
        ok = gzwrite(f, bytes.data() + at, n) == static_cast<int>(n);
      }
      ok = gzclose(f) == Z_OK && ok;
    }
  } else {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.flush();
    ok = static_cast<bool>(out);
  }
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    throw IOError(
        fmt::format("{}: cannot write '{}' (directory missing, not writable, or disk "
                    "full?)",
                    fn, path));
  }
}

}  // namespace xgrad::data
