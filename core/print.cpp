// Printing tensors the way PyTorch does:
//   tensor([[1.0000, 2.0000],
//           [3.0000, 4.0000]], dtype=float64, grad_fn=<MulBackward>)
// Large tensors show their first and last 3 entries per dimension.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/node.hpp>

namespace xgrad {
namespace {

constexpr int64_t kSummarizeAbove = 1000;  // elements
constexpr int64_t kEdgeItems = 3;

struct Printer {
  const std::vector<double>& values;
  const Shape& shape;
  bool integer;
  bool scientific;
  bool summarize;
  std::string out;

  std::string number(double v) const {
    if (integer) return fmt::format("{}", static_cast<int64_t>(v));
    return scientific ? fmt::format("{:.4e}", v) : fmt::format("{:.4f}", v);
  }

  // Prints the sub-tensor at `offset` spanning dimensions dim.. of the shape.
  void print(size_t dim, int64_t offset, int64_t stride_of_dim, int indent) {
    if (dim == shape.size()) {
      out += number(values[offset]);
      return;
    }
    const int64_t n = shape[dim], stride = stride_of_dim / std::max<int64_t>(n, 1);
    out += '[';
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
        out += dim + 1 == shape.size() ? "..., " : fmt::format("...,\n{:{}}", "", indent + 1);
        i = n - kEdgeItems;
      }
      print(dim + 1, offset + i * stride, stride, indent + 1);
      if (i + 1 < n) {
        if (dim + 1 == shape.size()) {
          out += ", ";
        } else {
          out += ',';
          out.append(shape.size() - dim - 1, '\n');
          out.append(static_cast<size_t>(indent + 1), ' ');
        }
      }
    }
    out += ']';
  }
};

}  // namespace

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  const auto values = t.to_vector();
  double largest = 0, smallest = INFINITY;
  for (double v : values) {
    if (!std::isfinite(v) || v == 0) continue;
    largest = std::max(largest, std::abs(v));
    smallest = std::min(smallest, std::abs(v));
  }
  Printer p{values,
            t.shape(),
            t.dtype() == DType::Int64 || t.dtype() == DType::Bool,
            largest >= 1e8 || (smallest < 1e-4 && smallest != INFINITY),
            t.numel() > kSummarizeAbove,
            "tensor("};
  const int indent = 7;  // width of "tensor("
  p.print(0, 0, t.numel(), indent);
  if (t.dtype() != DType::Float32) p.out += fmt::format(", dtype={}", dtype_name(t.dtype()));
  if (t.grad_fn()) {
    p.out += fmt::format(", grad_fn=<{}>", t.grad_fn()->name());
  } else if (t.requires_grad()) {
    p.out += ", requires_grad=true";
  }
  return p.out + ")";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  return os << to_string(t);
}

}  // namespace xgrad
