#pragma once
// Shapes and the broadcasting rule (NumPy's): align trailing dimensions; two sizes fit when
// they are equal or one of them is 1.
#include <cstdint>
#include <string>
#include <vector>

namespace xgrad {

using Shape = std::vector<int64_t>;

/// "[64, 10]".
std::string shape_str(const Shape& shape);
/// Product of the sizes (1 for a 0-d shape). ShapeError when a size is negative or the product
/// does not fit in int64 (such a shape cannot exist, so no tensor of it can be made).
int64_t shape_numel(const Shape& shape);
/// a * b and a + b for sizes; ShapeError naming `op` when the result overflows int64.
int64_t checked_mul(int64_t a, int64_t b, const char* op);
int64_t checked_add(int64_t a, int64_t b, const char* op);
/// The broadcast of two shapes; throws ShapeError naming `op` when they do not fit.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
/// `dim` made non-negative for a tensor of rank `rank`; throws IndexError naming `op`.
int64_t normalize_dim(int64_t dim, int64_t rank, const char* op);

}  // namespace xgrad
