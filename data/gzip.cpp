#include <xgrad/data/gzip.hpp>

#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include <xgrad/core/error.hpp>
#include <xgrad/core/file_io.hpp>

namespace xgrad::data {
namespace {

bool starts_with_gzip_magic(const uint8_t* p, size_t n) {
  return n >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

}  // namespace

std::vector<uint8_t> read_maybe_gzip(const std::string& path, const char* fn,
                                     const SizeLimit& limit) {
  std::vector<uint8_t> bytes = read_file(path, fn);
  if (starts_with_gzip_magic(bytes.data(), bytes.size())) return gunzip(bytes, path, fn, limit);
  return bytes;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& compressed, const std::string& path,
                            const char* fn, const SizeLimit& limit) {
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
  // With a limit, start small: the header that tells the real size comes first, and a forged
  // trailer must not make us allocate gigabytes before it is read.
  // A stream may run a little past the declared size (trailing junk, which the reader then
  // reports exactly); beyond this slack it is stopped as a bomb.
  constexpr size_t kSlack = size_t(1) << 20;
  std::optional<size_t> declared, max_size;
  const size_t first = limit ? std::min<size_t>(guess, 1 << 16) : guess;
  out.resize(first);
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
    if (produced == out.size()) {
      // One byte past the limit is room enough to see that the stream goes on.
      out.resize(max_size ? std::min(out.size() * 2, *max_size + 1) : out.size() * 2);
    }
    constexpr size_t kMaxChunk = size_t(1) << 30;  // z_stream counts in 32-bit uInt
    zs.next_in = const_cast<Bytef*>(compressed.data() + consumed);
    zs.avail_in = static_cast<uInt>(std::min(compressed.size() - consumed, kMaxChunk));
    zs.next_out = out.data() + produced;
    zs.avail_out = static_cast<uInt>(std::min(out.size() - produced, kMaxChunk));
    const uInt in_before = zs.avail_in, out_before = zs.avail_out;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    consumed += in_before - zs.avail_in;
    produced += out_before - zs.avail_out;
    if (limit && !max_size) {
      try {
        declared = limit(out.data(), produced);
      } catch (...) {  // a bad header: the reader's own error
        inflateEnd(&zs);
        throw;
      }
      if (declared) max_size = *declared + std::min(kSlack, SIZE_MAX - 1 - *declared);
      if (max_size && produced < *max_size && out.size() < std::min(guess, *max_size + 1))
        out.resize(std::min(guess, *max_size + 1));
    }
    if (max_size && produced > *max_size) {
      fail(
          fmt::format("{}: '{}' inflates to more than the {} bytes its header declares (a gzip "
                      "bomb, or a corrupt file?); stopped there",
                      fn, path, *declared));
    }
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

void write_maybe_gzip(const std::string& path, const std::vector<uint8_t>& bytes, bool gzip,
                      const char* fn) {
  write_file_atomic(
      path,
      [&](int fd) {
        if (!gzip) return write_all(fd, bytes.data(), bytes.size());
        // zlib writes through its own descriptor; gzclose closes that one, not ours.
        const int own = ::dup(fd);
        gzFile f = own >= 0 ? gzdopen(own, "wb") : nullptr;
        if (!f) {
          if (own >= 0) ::close(own);
          return false;
        }
        bool ok = true;
        // gzwrite takes an unsigned length: write in chunks well below its limit.
        for (size_t at = 0; ok && at < bytes.size(); at += size_t(1) << 30) {
          const auto n = static_cast<unsigned>(std::min(bytes.size() - at, size_t(1) << 30));
          ok = gzwrite(f, bytes.data() + at, n) == static_cast<int>(n);
        }
        return gzclose(f) == Z_OK && ok;
      },
      fn);
}

}  // namespace xgrad::data
