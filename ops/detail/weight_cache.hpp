#pragma once
// Internal: autocast's weight cache, as libtorch's. Under autocast to bfloat16 a float32
// parameter's rounding to bfloat16 is kept, keyed by its storage and version counter, so that
// a weight used by several products before its next update (the forward and the backward of
// a layer; the steps of a recurrent net; a tied embedding) is rounded once.
#include <cstdint>
#include <memory>

#include <xgrad/core/tensor.hpp>

namespace xgrad::autocast_cache {

/// t rounded to bfloat16, dense in its stored layout (row stride = its last dimension), or
/// null. Under autocast to bfloat16 with a bfloat16 backend, for a contiguous float32 t: the
/// cached rounding when one was made from t's storage at t's version; otherwise, when t is a
/// parameter (a leaf that requires grad), a new rounding, cached. Null otherwise: the product
/// rounds the operand itself. A write that does not bump the version (raw pointers without
/// bump_version()) is not seen, as in libtorch.
std::shared_ptr<const uint16_t[]> rounded(const Tensor& t);

/// Entries cached (tests).
size_t size();
/// Drops every entry (tests; entries also go when their storage dies or the cache is full).
void clear();

}  // namespace xgrad::autocast_cache
