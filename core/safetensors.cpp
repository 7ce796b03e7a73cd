// safetensors reading and writing. Format (https://github.com/huggingface/safetensors):
//   [u64 little-endian N][N bytes of UTF-8 JSON header, space-padded][data buffer]
// Each header entry gives dtype, shape and data_offsets [begin, end) relative to the data
// buffer; the entries must cover the buffer exactly, without overlaps or holes.
#include <xgrad/core/safetensors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include <xgrad/core/detail/bounded_json.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/file_io.hpp>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; this build assumes a little-endian host");

namespace xgrad {
namespace {

using json = nlohmann::json;

/// The safetensors reference implementation refuses headers above 100 MB; so do we, before
/// allocating anything for them.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

const char* file_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
    case DType::Int64:
      return "I64";
    case DType::Bool:
      return "BOOL";
  }
  return "F32";  // unreachable: every DType is handled above
}

[[noreturn]] void fail_read(const std::string& path, const std::string& reason) {
  throw IOError(fmt::format("load_tensors: cannot read '{}': {}", path, reason));
}

std::string header_json(const TensorDict& tensors, const Metadata& metadata) {
  json header = json::object();
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * dtype_size(tensor.dtype());
    header[name] = {{"dtype", file_dtype(tensor.dtype())},
                    {"shape", tensor.shape()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {  // names and metadata must be valid UTF-8
    throw ValueError(
        fmt::format("save_tensors: a tensor name or metadata string is not valid "
                    "UTF-8 ({})",
                    e.what()));
  }
  // Pad with spaces so the data buffer starts 8-byte aligned (as the reference writer does).
  text.append((8 - text.size() % 8) % 8, ' ');
  return text;
}

}  // namespace

void save_tensors(const TensorDict& tensors, const std::string& path, const Metadata& metadata) {
  for (const auto& [name, tensor] : tensors) {
    if (!tensor.defined())
      throw ValueError(fmt::format("save_tensors: tensor '{}' is undefined", name));
    if (name == "__metadata__" || name.empty())
      throw ValueError(fmt::format("save_tensors: '{}' cannot be a tensor name", name));
  }
  const std::string header = header_json(tensors, metadata);
  const uint64_t header_size = header.size();
  write_file_atomic(
      path,
      [&](int fd) {
        bool ok = write_all(fd, &header_size, sizeof header_size) &&
                  write_all(fd, header.data(), header.size());
        for (auto it = tensors.begin(); ok && it != tensors.end(); ++it) {
          const Tensor t = dense(it->second);  // a view writes its own elements only
          const size_t bytes = static_cast<size_t>(t.numel()) * dtype_size(t.dtype());
          if (bytes > 0)
            ok = visit_dtype(t.dtype(), [&](auto zero) {
              return write_all(fd, raw_data<decltype(zero)>(t), bytes);
            });
        }
        return ok;
      },
      "save_tensors");
}

namespace {

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

uint64_t as_offset(const json& value, const std::string& path, const std::string& name) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
    fail_read(path, fmt::format("tensor '{}': data_offsets must be non-negative integers, got {}",
                                name, json_excerpt(value)));
  return value.get<uint64_t>();
}

Entry parse_entry(const std::string& name, const json& info, const std::string& path) {
  if (!info.is_object())
    fail_read(path, fmt::format("tensor '{}': header entry is not a JSON object", name));
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!info.contains(key))
      fail_read(path, fmt::format("tensor '{}': no \"{}\" field", name, key));
  Entry entry{name, DType::Float32, {}, 0, 0};

  const json& dtype = info["dtype"];
  if (!dtype.is_string()) fail_read(path, fmt::format("tensor '{}': dtype is not a string", name));
  const std::string d = dtype.get<std::string>();
  if (d == "F32")
    entry.dtype = DType::Float32;
  else if (d == "F64")
    entry.dtype = DType::Float64;
  else if (d == "I64")
    entry.dtype = DType::Int64;
  else if (d == "BOOL")
    entry.dtype = DType::Bool;
  else {
    static const char* known[] = {"U8",  "I8",  "U16", "I16",     "F16",    "BF16",
                                  "U32", "I32", "U64", "F8_E4M3", "F8_E5M2"};
    const bool is_known = std::find_if(std::begin(known), std::end(known),
                                       [&](const char* k) { return d == k; }) != std::end(known);
    fail_read(path, fmt::format("tensor '{}': {} dtype '{}' (xgrad reads F32, F64, I64 and BOOL)",
                                name, is_known ? "unsupported" : "unknown", d));
  }

  const json& shape = info["shape"];
  if (!shape.is_array()) fail_read(path, fmt::format("tensor '{}': shape is not an array", name));
  // Bound the product of the non-zero dims (not just the element count, which a single zero
  // dim makes 0) so that no later size computation over these dims can overflow.
  constexpr uint64_t kMaxElements = uint64_t{1} << 56;
  uint64_t numel = 1, nonzero = 1;
  for (const json& dim : shape) {
    if (!dim.is_number_unsigned() && !(dim.is_number_integer() && dim.get<int64_t>() >= 0))
      fail_read(path, fmt::format("tensor '{}': shape {} has an entry that is not a "
                                  "non-negative integer",
                                  name, json_excerpt(shape)));
    const auto n = dim.get<uint64_t>();
    if (n != 0 && nonzero > kMaxElements / n)
      fail_read(path, fmt::format("tensor '{}': shape {} is too large", name, json_excerpt(shape)));
    numel *= n;
    if (n != 0) nonzero *= n;
    entry.shape.push_back(static_cast<int64_t>(n));
  }

  const json& offsets = info["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2)
    fail_read(path, fmt::format("tensor '{}': data_offsets must be [begin, end], got {}", name,
                                json_excerpt(offsets)));
  entry.begin = as_offset(offsets[0], path, name);
  entry.end = as_offset(offsets[1], path, name);
  if (entry.end < entry.begin)
    fail_read(path, fmt::format("tensor '{}': data_offsets [{}, {}] end before they begin", name,
                                entry.begin, entry.end));
  const uint64_t expected = numel * dtype_size(entry.dtype);
  if (entry.end - entry.begin != expected)
    fail_read(path, fmt::format("tensor '{}': shape {} of {} needs {} bytes but data_offsets "
                                "[{}, {}] hold {}",
                                name, json_excerpt(shape), d, expected, entry.begin, entry.end,
                                entry.end - entry.begin));
  return entry;
}

}  // namespace

TensorDict load_tensors(const std::string& path, Metadata* metadata) {
  const std::vector<uint8_t> file = read_file(path, "load_tensors");
  const std::string_view bytes(reinterpret_cast<const char*>(file.data()), file.size());
  if (bytes.size() < 8)
    fail_read(path, fmt::format("truncated: the file has {} bytes, fewer than the 8-byte header "
                                "length",
                                bytes.size()));
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kMaxHeaderBytes)
    fail_read(path, fmt::format("header length {} is above the 100 MB limit (a corrupt or "
                                "non-safetensors file?)",
                                header_size));
  if (header_size > bytes.size() - 8)
    fail_read(path, fmt::format("header length {} runs past the end of the file ({} bytes): "
                                "truncated?",
                                header_size, bytes.size()));

  json header;
  std::string why;
  if (!parse_json_bounded(std::string_view(bytes.data() + 8, header_size), header, why))
    fail_read(path, "the header is " + why);
  if (!header.is_object()) fail_read(path, "the header is not a JSON object");

  const uint64_t buffer_size = bytes.size() - 8 - header_size;
  const char* buffer = bytes.data() + 8 + header_size;
  Metadata file_metadata;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) fail_read(path, "__metadata__ is not a JSON object");
      for (const auto& [key, value] : info.items()) {
        if (!value.is_string())
          fail_read(path, fmt::format("__metadata__ value of '{}' is not a string", key));
        file_metadata[key] = value.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(name, info, path));
  }

  // The entries must tile the data buffer: no overlap, no hole, nothing past the end.
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = 0;
  for (const Entry* e : by_offset) {
    if (e->end > buffer_size)
      fail_read(path, fmt::format("tensor '{}': data_offsets [{}, {}] lie outside the {}-byte data "
                                  "buffer (truncated file?)",
                                  e->name, e->begin, e->end, buffer_size));
    if (e->begin < covered)
      fail_read(path, fmt::format("tensor '{}': data_offsets [{}, {}] overlap another tensor's",
                                  e->name, e->begin, e->end));
    if (e->begin > covered)
      fail_read(path, fmt::format("bytes [{}, {}) of the data buffer belong to no tensor", covered,
                                  e->begin));
    covered = e->end;
  }
  if (covered != buffer_size)
    fail_read(path, fmt::format("the data buffer has {} bytes but the tensors cover {}",
                                buffer_size, covered));

  // A BOOL byte other than 0 or 1 is no bool: copied into bool storage it would be undefined
  // behaviour (comparisons and sums would see the raw byte), so the file is refused.
  for (const Entry& e : entries) {
    if (e.dtype != DType::Bool) continue;
    for (std::size_t i = e.begin; i < e.end; ++i) {
      const auto byte = static_cast<unsigned char>(buffer[i]);
      if (byte > 1) {
        fail_read(path, fmt::format("tensor '{}': BOOL element {} holds the byte {} (a bool is "
                                    "stored as 0 or 1; the file is corrupt or not safetensors)",
                                    e.name, i - e.begin, byte));
      }
    }
  }

  TensorDict tensors;
  for (const Entry& e : entries) {
    Tensor t = empty_tensor(e.shape, e.dtype);
    if (e.end > e.begin)
      visit_dtype(e.dtype, [&](auto zero) {
        std::memcpy(raw_data<decltype(zero)>(t), buffer + e.begin, e.end - e.begin);
      });
    tensors.emplace(e.name, std::move(t));
  }
  if (metadata) *metadata = std::move(file_metadata);
  return tensors;
}

}  // namespace xgrad
