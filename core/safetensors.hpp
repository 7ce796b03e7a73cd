#pragma once
// Tensors to and from files in the safetensors format, the format Python's `safetensors` and
// PyTorch read: an 8-byte little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [3, 2], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value"}}
// padded with spaces to a multiple of 8, then the raw little-endian data of every tensor.
//
//   xgrad::save_tensors({{"w", w}, {"b", b}}, "state.safetensors", {{"epoch", "3"}});
//   auto tensors = xgrad::load_tensors("state.safetensors");   // tensors.at("w")
//
// Writes are atomic: the data goes to a temporary file beside the target, is flushed, then
// renamed over it, so a failed write never replaces a good file. Reading checks everything
// (lengths, JSON, dtypes, shapes, offsets inside the buffer and not overlapping) and throws
// IOError naming the path and the reason; nothing is returned unless all of it is valid.
#include <map>
#include <string>
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Name -> tensor, sorted by name (the order in which files are written).
using TensorDict = std::map<std::string, Tensor>;
/// The optional string-to-string "__metadata__" of a safetensors file.
using Metadata = std::map<std::string, std::string>;

/// Writes `tensors` (float32 as F32, float64 as F64, int64 as I64) and `metadata` to `path`,
/// atomically.  Example: save_tensors({{"weight", w}}, "w.safetensors");
void save_tensors(const TensorDict& tensors, const std::string& path,
                  const Metadata& metadata = {});

/// Reads every tensor of a safetensors file (F32, F64, I64; other dtypes are an error); the
/// file's metadata goes to `*metadata` when given.  Example: auto t = load_tensors("w.safetensors");
TensorDict load_tensors(const std::string& path, Metadata* metadata = nullptr);

}  // namespace xgrad
