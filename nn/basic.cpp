// Flatten (Identity is header-only): the flatten op with the module's dims, checked here so
// that errors name the module and the input shape.
#include <xgrad/nn/basic.hpp>

#include <fmt/format.h>

#include <algorithm>

#include <xgrad/core/error.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad::nn {

Flatten::Flatten(const FlattenOptions& options) : options_(options) {}

Tensor Flatten::forward(const Tensor& input) {
  // A 0-d tensor counts as rank 1, as in PyTorch (flatten of a scalar is [1]).
  const int64_t rank = std::max<int64_t>(input.dim(), 1);
  auto resolve = [&](int64_t dim, const char* which) {
    if (dim < -rank || dim >= rank) {
      throw IndexError(
          fmt::format("Flatten: {} = {} is out of range for an input of shape {} "
                      "(valid: {} to {})",
                      which, dim, shape_str(input.shape()), -rank, rank - 1));
    }
    return dim < 0 ? dim + rank : dim;
  };
  const int64_t start = resolve(options_.start_dim_, "start_dim");
  const int64_t end = resolve(options_.end_dim_, "end_dim");
  if (start > end) {
    throw IndexError(
        fmt::format("Flatten: start_dim {} comes after end_dim {} for an input of "
                    "shape {}",
                    options_.start_dim_, options_.end_dim_, shape_str(input.shape())));
  }
  return flatten(input, start, end);
}

std::string Flatten::extra_repr() const {
  return fmt::format("start_dim={}, end_dim={}", options_.start_dim_, options_.end_dim_);
}

}  // namespace xgrad::nn
