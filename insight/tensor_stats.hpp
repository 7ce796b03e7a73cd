#pragma once
// Statistics of one tensor that the monitor takes, as flat loops over the data (float32 or
// float64): norms and finiteness, dead units, saturated outputs.
#include <cstdint>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad::insight {

/// Euclidean norm in double precision (NaN or inf when an element is).
double l2_norm(const Tensor& t);
/// ||after||, ||before|| and ||after - before|| of two tensors of the same shape and dtype.
struct UpdateNorms {
  double after = 0, before = 0, delta = 0;
};
UpdateNorms update_norms(const Tensor& after, const Tensor& before);
/// Whether every element is finite (integer tensors always are).
bool all_finite(const Tensor& t);

/// Marks which units (elements of a row: dims after the first) were non-zero for some example:
/// `alive` is resized to the row length on first use and OR-ed with this batch.
void mark_alive_units(const Tensor& output, std::vector<uint8_t>& alive);

/// Number of elements within `eps` of the asymptotes: y < lo + eps or y > hi - eps
/// (sigmoid: lo 0, hi 1; tanh: lo -1, hi 1).
int64_t count_saturated(const Tensor& output, double lo, double hi, double eps);

}  // namespace xgrad::insight
