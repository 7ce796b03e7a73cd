#include <xgrad/data/idx.hpp>

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/data/gzip.hpp>

namespace xgrad::data {
namespace {

struct IdxContents {
  IdxType type;
  Shape shape;
  std::vector<uint8_t> bytes;  // the whole (decompressed) file
  size_t offset;               // where the elements start
  int64_t numel;
};

const char* type_name(IdxType type) {
  switch (type) {
    case IdxType::UInt8:
      return "uint8";
    case IdxType::Int8:
      return "int8";
    case IdxType::Int16:
      return "int16";
    case IdxType::Int32:
      return "int32";
    case IdxType::Float32:
      return "float32";
    case IdxType::Float64:
      return "float64";
  }
  return "?";
}

// Bytes per element, or 0 for a code that is not an IDX type.
size_t type_size(uint8_t code) {
  switch (static_cast<IdxType>(code)) {
    case IdxType::UInt8:
    case IdxType::Int8:
      return 1;
    case IdxType::Int16:
      return 2;
    case IdxType::Int32:
    case IdxType::Float32:
      return 4;
    case IdxType::Float64:
      return 8;
  }
  return 0;
}

bool is_integer_type(IdxType type) {
  return type != IdxType::Float32 && type != IdxType::Float64;
}

uint32_t load_be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

/// IOError unless the 4 bytes at `b` are an IDX magic number (0, 0, type code, ndims >= 1).
void check_magic(const uint8_t* b, const std::string& path, const char* fn) {
  if (b[0] != 0 || b[1] != 0 || type_size(b[2]) == 0 || b[3] == 0) {
    throw IOError(fmt::format(
        "{}: '{}' is not an IDX file: magic number 0x{:08x}; IDX files start with two zero bytes, "
        "a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E "
        "float64) and the number of dimensions (at least 1), e.g. 0x00000803 for MNIST images",
        fn, path, load_be32(b)));
  }
}

/// The size an IDX file's header declares (header + elements), once its first bytes are
/// there: a gzip-compressed file stops inflating at it (see SizeLimit).
SizeLimit declared_size(const std::string& path, const char* fn) {
  return [path, fn](const uint8_t* b, size_t n) -> std::optional<size_t> {
    if (n < 4) return std::nullopt;
    check_magic(b, path, fn);
    const size_t offset = 4 + 4 * size_t{b[3]};
    if (n < offset) return std::nullopt;
    uint64_t total = type_size(b[2]);
    for (size_t d = 0; d < b[3]; ++d)
      if (__builtin_mul_overflow(total, uint64_t{load_be32(b + 4 + 4 * d)}, &total))
        return std::numeric_limits<size_t>::max() - 1;  // parse() reports it as too large
    if (total > std::numeric_limits<size_t>::max() - 1 - offset)
      return std::numeric_limits<size_t>::max() - 1;
    return offset + total;
  };
}

IdxContents parse(const std::string& path, const char* fn) {
  IdxContents c{IdxType::UInt8, {}, read_maybe_gzip(path, fn, declared_size(path, fn)), 0, 1};
  const auto& b = c.bytes;
  if (b.size() < 4) {
    throw IOError(
        fmt::format("{}: '{}' has {} bytes, too few for an IDX header (4 bytes of magic "
                    "number, then the sizes)",
                    fn, path, b.size()));
  }
  check_magic(b.data(), path, fn);
  const size_t elem = type_size(b[2]);
  c.type = static_cast<IdxType>(b[2]);
  const size_t ndims = b[3];
  c.offset = 4 + 4 * ndims;
  if (b.size() < c.offset) {
    throw IOError(
        fmt::format("{}: '{}' is truncated: its header announces {} dimensions ({} "
                    "bytes) but the file has only {} bytes",
                    fn, path, ndims, c.offset, b.size()));
  }
  // The element count is bounded by the file size before it can overflow.
  // The product of the non-zero dims is bounded too: a zero count followed by huge dims holds
  // no data but would overflow the per-image size computed from those dims.
  const uint64_t limit = b.size();
  uint64_t numel = 1, nonzero = 1;
  bool too_big = false;
  for (size_t d = 0; d < ndims; ++d) {
    const uint32_t size = load_be32(b.data() + 4 + 4 * d);
    c.shape.push_back(size);
    constexpr uint64_t kMaxNonzero = uint64_t{1} << 48;  // far above any real image size
    if (size != 0 && (numel > limit / size || nonzero > kMaxNonzero / size)) too_big = true;
    if (!too_big) {
      numel *= size;
      if (size != 0) nonzero *= size;
    }
  }
  const uint64_t have = b.size() - c.offset;
  if (too_big || numel * elem > have) {
    throw IOError(fmt::format(
        "{}: '{}' is too short: its header says {} {} (dims {}), {} bytes of data, but only {} "
        "bytes follow the header (truncated file?)",
        fn, path, too_big ? std::string("too many") : std::to_string(numel), type_name(c.type),
        shape_str(c.shape),
        too_big ? std::string("more than the file") : std::to_string(numel * elem), have));
  }
  if (numel * elem < have) {
    throw IOError(fmt::format(
        "{}: '{}' has {} bytes of trailing data: its header says dims {} of {} ({} bytes) but {} "
        "bytes follow the header (wrong dims, or two files joined?)",
        fn, path, have - numel * elem, shape_str(c.shape), type_name(c.type), numel * elem, have));
  }
  c.numel = static_cast<int64_t>(numel);
  return c;
}

// One big-endian element of type S, assembled as an unsigned integer then reinterpreted.
template <class S>
S load_be(const uint8_t* p) {
  if constexpr (sizeof(S) == 1) {
    S v;
    std::memcpy(&v, p, 1);
    return v;
  } else {
    using U = std::conditional_t<sizeof(S) == 2, uint16_t,
                                 std::conditional_t<sizeof(S) == 4, uint32_t, uint64_t>>;
    U u = 0;
    for (size_t i = 0; i < sizeof(S); ++i) u = static_cast<U>(u << 8 | p[i]);
    S v;
    std::memcpy(&v, &u, sizeof(S));
    return v;
  }
}

/// Converts n big-endian S values to D; returns the index of the first finite value D cannot
/// hold (a float64 file's 1e300 read as float32 would become inf), or -1.
template <class S, class D>
int64_t convert(const uint8_t* src, D* dst, int64_t n, double scale) {
  for (int64_t i = 0; i < n; ++i) {
    const S v = load_be<S>(src + static_cast<size_t>(i) * sizeof(S));
    if constexpr (std::is_same_v<S, double> && std::is_same_v<D, float>) {
      if (std::isfinite(v) && std::fabs(v * scale) > double(std::numeric_limits<float>::max()))
        return i;
    }
    dst[i] = scale == 1.0 ? static_cast<D>(v) : static_cast<D>(static_cast<double>(v) * scale);
  }
  return -1;
}

// Calls f with a value of the C++ type of an IDX element type.
template <class F>
void visit_idx_type(IdxType type, F&& f) {
  switch (type) {
    case IdxType::UInt8:
      return f(uint8_t{});
    case IdxType::Int8:
      return f(int8_t{});
    case IdxType::Int16:
      return f(int16_t{});
    case IdxType::Int32:
      return f(int32_t{});
    case IdxType::Float32:
      return f(float{});
    case IdxType::Float64:
      return f(double{});
  }
}

Tensor to_tensor(const IdxContents& c, DType dtype, double scale, const std::string& path,
                 const char* fn) {
  if (dtype == DType::Bool)
    throw DTypeError(
        fmt::format("{}: '{}': IDX files are read as float32, float64 or int64, "
                    "not bool (compare the result instead: read_idx(...) != 0)",
                    fn, path));
  if (dtype == DType::Int64 && !is_integer_type(c.type)) {
    throw DTypeError(fmt::format("{}: '{}' holds {} values, which cannot be read as int64", fn,
                                 path, type_name(c.type)));
  }
  Tensor out = zeros(c.shape, dtype);
  const uint8_t* src = c.bytes.data() + c.offset;
  visit_idx_type(c.type, [&](auto s) {
    using S = decltype(s);
    switch (dtype) {
      case DType::Float32:
        if (const int64_t bad = convert<S>(src, out.data_ptr<float>(), c.numel, scale); bad >= 0)
          throw IOError(fmt::format(
              "{}: '{}': element {} is {}, out of range for float32 (read the file as float64)", fn,
              path, bad, load_be<S>(src + static_cast<size_t>(bad) * sizeof(S))));
        break;
      case DType::Float64:
        convert<S>(src, out.data_ptr<double>(), c.numel, scale);
        break;
      case DType::Int64:
        convert<S>(src, out.data_ptr<int64_t>(), c.numel, 1.0);
        break;
      case DType::Bool:  // refused by the caller's dtype check; here for completeness
        throw DTypeError(fmt::format("{}: '{}': cannot read into a bool tensor", fn, path));
    }
  });
  return out;
}

}  // namespace

Tensor read_idx(const std::string& path, DType dtype) {
  const IdxContents c = parse(path, "read_idx");
  return to_tensor(c, dtype, 1.0, path, "read_idx");
}

Tensor read_idx_labels(const std::string& path) {
  const IdxContents c = parse(path, "read_idx_labels");
  if (c.shape.size() != 1) {
    throw IOError(
        fmt::format("read_idx_labels: '{}' has dims {}; a label file has one dimension "
                    "(is it an image file?)",
                    path, shape_str(c.shape)));
  }
  return to_tensor(c, DType::Int64, 1.0, path, "read_idx_labels");
}

Tensor read_idx_images(const std::string& path) {
  IdxContents c = parse(path, "read_idx_images");
  if (c.type != IdxType::UInt8 || c.shape.size() < 2) {
    throw IOError(
        fmt::format("read_idx_images: '{}' holds {} values of dims {}; an image file "
                    "holds uint8 pixels of dims [count, rows, cols] (is it a label "
                    "file?)",
                    path, type_name(c.type), shape_str(c.shape)));
  }
  int64_t per_image = 1;
  for (size_t d = 1; d < c.shape.size(); ++d) per_image *= c.shape[d];
  c.shape = {c.shape[0], per_image};
  return to_tensor(c, DType::Float32, 1.0 / 255.0, path, "read_idx_images");
}

void write_idx(const std::string& path, const Tensor& t, IdxType type) {
  if (!t.defined() || t.dim() == 0 || t.dim() > 255) {
    throw ValueError(
        fmt::format("write_idx: '{}': the tensor must have 1 to 255 dimensions, not {}", path,
                    t.defined() ? std::to_string(t.dim()) : "undefined"));
  }
  const size_t elem = type_size(static_cast<uint8_t>(type));
  if (elem == 0) {
    throw ValueError(fmt::format("write_idx: '{}': 0x{:02x} is not an IDX type code", path,
                                 static_cast<unsigned>(type)));
  }
  std::vector<uint8_t> bytes{0, 0, static_cast<uint8_t>(type), static_cast<uint8_t>(t.dim())};
  for (int64_t size : t.shape()) {
    if (size > int64_t(std::numeric_limits<uint32_t>::max())) {
      throw ValueError(
          fmt::format("write_idx: '{}': size {} does not fit IDX's uint32", path, size));
    }
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(uint8_t(uint64_t(size) >> shift));
  }
  const std::vector<double> values = t.to_vector();
  bytes.reserve(bytes.size() + values.size() * elem);
  visit_idx_type(type, [&](auto s) {
    using S = decltype(s);
    for (size_t i = 0; i < values.size(); ++i) {
      const double v = values[i];
      if constexpr (std::is_integral_v<S>) {
        if (v != std::floor(v) || v < double(std::numeric_limits<S>::min()) ||
            v > double(std::numeric_limits<S>::max())) {
          throw ValueError(fmt::format("write_idx: '{}': element {} is {}, which {} cannot hold",
                                       path, i, v, type_name(type)));
        }
      }
      if constexpr (std::is_floating_point_v<S>) {
        // inf and NaN are refused, and so is a finite double that float32 cannot hold (it
        // would silently become inf).
        if (!std::isfinite(v) || std::fabs(v) > double(std::numeric_limits<S>::max())) {
          throw ValueError(fmt::format(
              "write_idx: '{}': element {} is {}, which {} cannot hold ({})", path, i, v,
              type_name(type), std::isfinite(v) ? "out of range" : "IDX files hold finite values"));
        }
      }
      const S x = static_cast<S>(v);
      using U = std::conditional_t<
          sizeof(S) == 1, uint8_t,
          std::conditional_t<sizeof(S) == 2, uint16_t,
                             std::conditional_t<sizeof(S) == 4, uint32_t, uint64_t>>>;
      U u;
      std::memcpy(&u, &x, sizeof(S));
      for (int k = int(sizeof(S)) - 1; k >= 0; --k) bytes.push_back(uint8_t(u >> (8 * k)));  // BE
    }
  });
  const bool gzip = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  write_maybe_gzip(path, bytes, gzip, "write_idx");
}

}  // namespace xgrad::data
