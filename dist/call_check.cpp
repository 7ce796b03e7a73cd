#include <xgrad/dist/detail/call_check.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include <xgrad/core/error.hpp>
#include <xgrad/dist/detail/backend.hpp>
#include <xgrad/dist/world.hpp>

namespace xgrad::dist::detail {
namespace {

constexpr size_t kFields = 11;
constexpr size_t kDims = 4;  // dimensions sent in full; longer shapes also send a hash
using Packed = std::array<int64_t, kFields>;

int64_t shape_hash(const Shape& shape) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the dimensions
  for (int64_t d : shape) h = (h ^ static_cast<uint64_t>(d)) * 1099511628211ull;
  return static_cast<int64_t>(h);
}

Packed pack(const CallSignature& c) {
  Packed p{};
  p[0] = static_cast<int64_t>(c.kind);
  p[1] = c.arg;
  p[2] = static_cast<int64_t>(c.dtype);
  p[3] = shape_numel(c.shape);
  p[4] = static_cast<int64_t>(c.shape.size());
  p[5] = shape_hash(c.shape);
  p[6] = c.tag;
  for (size_t i = 0; i < kDims && i < c.shape.size(); ++i) p[7 + i] = c.shape[i];
  return p;
}

std::string describe(const Packed& p) {
  const auto kind = static_cast<CallKind>(p[0]);
  const auto dtype = dtype_name(static_cast<DType>(p[2]));
  std::string shape = "[";
  for (int64_t i = 0; i < p[4]; ++i) {
    if (i == static_cast<int64_t>(kDims)) {
      shape += ", ...";
      break;
    }
    shape += (i ? ", " : "") + std::to_string(p[7 + i]);
  }
  shape += "]";
  switch (kind) {
    case CallKind::AllReduce:
      return fmt::format("all_reduce(\"{}\") of a {} tensor {}",
                         p[1] == 0   ? "sum"
                         : p[1] == 1 ? "mean"
                                     : "max",
                         dtype, shape);
    case CallKind::Broadcast:
      return fmt::format("broadcast(root {}) of a {} tensor {}", p[1], dtype, shape);
    case CallKind::AllGather:
      return fmt::format("all_gather of a {} tensor {}", dtype, shape);
    case CallKind::Barrier:
      return "barrier()";
    case CallKind::GradBucket:
      return fmt::format(
          "DistributedDataParallel gradient bucket {} ({}, {} elements) of sync "
          "step {}",
          p[1], dtype, p[3], p[6]);
  }
  return fmt::format("an unknown collective (code {})", p[0]);
}

}  // namespace

void check_same_call(const char* fn, const CallSignature& call) {
  const int size = world_size();
  if (size == 1) return;
  const Packed mine = pack(call);
  std::vector<int64_t> all(kFields * static_cast<size_t>(size));
  backend_all_gather(mine.data(), all.data(), kFields, DType::Int64);
  auto at = [&](int r) {
    Packed p;
    std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(kFields) * r, kFields, p.begin());
    return p;
  };
  const Packed first = at(0);
  bool same = true, same_kind = true, same_dtype = true;
  for (int r = 1; r < size; ++r) {
    const Packed p = at(r);
    same = same && p == first;
    same_kind = same_kind && p[0] == first[0] && p[1] == first[1] && p[6] == first[6];
    same_dtype = same_dtype && p[2] == first[2];
  }
  if (same) return;
  std::string table;
  for (int r = 0; r < size; ++r) table += fmt::format("\n  rank {}: {}", r, describe(at(r)));
  const std::string message = fmt::format(
      "{}: the ranks disagree on this collective (every rank must make the same collective "
      "calls in the same order, on tensors of the same dtype and shape):{}",
      fn, table);
  if (!same_kind) throw ValueError(message);
  if (!same_dtype) throw DTypeError(message);
  throw ShapeError(message);
}

}  // namespace xgrad::dist::detail
