#pragma once
// Cross-rank agreement on each collective, internal. Before its data moves, a collective
// exchanges a small description of itself (which collective, dtype, shape, root or bucket)
// with every rank. When they differ, every rank gets the same table and throws the same
// error, instead of MPI reading the wrong number of bytes or waiting forever for a match.
// Costs one all-gather of 88 bytes per collective (a few microseconds on one machine).
#include <array>
#include <cstdint>
#include <string>

#include <xgrad/core/dtype.hpp>
#include <xgrad/core/shape.hpp>

namespace xgrad::dist::detail {

enum class CallKind : int64_t { AllReduce = 1, Broadcast, AllGather, Barrier, GradBucket };

/// What one rank is about to do.
struct CallSignature {
  CallKind kind = CallKind::Barrier;
  int64_t arg = 0;  // the reduce op (0 sum, 1 mean, 2 max), the root, or the bucket index
  DType dtype = DType::Float32;
  Shape shape;
  int64_t tag = 0;  // DistributedDataParallel: the sync step the bucket belongs to
};

/// Exchanges `call` with every rank (on the communication thread) and throws, on every rank
/// alike, a ValueError, DTypeError or ShapeError naming `fn` and each rank's call when they
/// differ. Nothing to do in a world of one.
void check_same_call(const char* fn, const CallSignature& call);

}  // namespace xgrad::dist::detail
