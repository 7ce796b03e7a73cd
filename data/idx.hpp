#pragma once
// The IDX file format of MNIST and Fashion-MNIST, plain or gzip-compressed:
//   bytes 0-1 zero, byte 2 the element type, byte 3 the number of dimensions n,
//   then n big-endian uint32 sizes, then the elements, big-endian, row-major.
// Files whose sizes disagree with their contents, a wrong magic number or a truncated gzip
// stream give an IOError naming the file and what is wrong.
#include <cstdint>
#include <string>

#include <xgrad/core/tensor.hpp>

namespace xgrad::data {

/// IDX element type codes (byte 2 of the magic number).
enum class IdxType : uint8_t {
  UInt8 = 0x08,
  Int8 = 0x09,
  Int16 = 0x0B,
  Int32 = 0x0C,
  Float32 = 0x0D,
  Float64 = 0x0E,
};

/// The file's contents with its own shape, values converted to `dtype` (unscaled).
/// Int64 is allowed only for integer element types (DTypeError otherwise).
///   Example: auto images = xgrad::data::read_idx("train-images-idx3-ubyte.gz");  // [60000, 28,
///   28]
Tensor read_idx(const std::string& path, DType dtype = kFloat32);

/// A 1-D label file as int64.
///   Example: auto y = xgrad::data::read_idx_labels("t10k-labels-idx1-ubyte.gz");
Tensor read_idx_labels(const std::string& path);

/// An unsigned-byte image file as float32 [N, rows*cols...] scaled to [0, 1] (pixel / 255).
///   Example: auto x = xgrad::data::read_idx_images("t10k-images-idx3-ubyte.gz");  // [10000, 784]
Tensor read_idx_images(const std::string& path);

/// Writes `t` as an IDX file of element type `type` (gzip-compressed when the path ends in
/// ".gz"), atomically. ValueError when a value does not fit the type (e.g. 300 or 0.5 as UInt8).
///   Example: write_idx("labels-idx1-ubyte.gz", labels, IdxType::UInt8);
void write_idx(const std::string& path, const Tensor& t, IdxType type = IdxType::UInt8);

}  // namespace xgrad::data
