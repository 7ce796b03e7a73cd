// Reductions: forward and backward side by side.
#include "ops/reduce.hpp"

#include <xtensor/xreducer.hpp>

#include <algorithm>

#include "core/function.hpp"
#include "ops/builtin.hpp"
#include "ops/kernels.hpp"
#include "ops/shape.hpp"

namespace xgrad {
namespace {

/// The dims as sorted non-negative axes (all dims when empty); IndexError/ValueError on
/// out-of-range or repeated dims.
std::vector<size_t> reduce_axes(const Tensor& x, const Shape& dims, const char* op) {
  std::vector<size_t> axes;
  if (dims.empty()) {
    for (int64_t d = 0; d < x.dim(); ++d) axes.push_back(static_cast<size_t>(d));
    return axes;
  }
  for (int64_t d : dims) axes.push_back(static_cast<size_t>(normalize_dim(d, x.dim(), op)));
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) {
    throw ValueError(fmt::format("{}: dimension listed twice in {}", op, shape_str(dims)));
  }
  return axes;
}

/// x's shape with the reduced axes set to 1 (keepdim) or removed.
Shape reduced_shape(const Shape& shape, const std::vector<size_t>& axes, bool keepdim) {
  Shape out;
  for (size_t d = 0; d < shape.size(); ++d) {
    const bool reduced = std::binary_search(axes.begin(), axes.end(), d);
    if (!reduced)
      out.push_back(shape[d]);
    else if (keepdim)
      out.push_back(1);
  }
  return out;
}

struct Sum : Function<Sum> {
  static constexpr const char* name = "sum";
  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Shape& dims, bool keepdim) {
    kernels::check_floating(x, name);
    const auto axes = reduce_axes(x, dims, name);
    // The gradient arrives in the output's shape; backward reshapes it to keepdim form.
    ctx->saved_data["kept"] = reduced_shape(x.shape(), axes, true);
    const Shape shape = reduced_shape(x.shape(), axes, keepdim);
    return visit_floating(x.dtype(), name, [&](auto z) {
      using T = decltype(z);
      Tensor out = empty_tensor<T>(shape);
      T* po = raw_data<T>(out);
      if (axes.size() == x.shape().size()) {
        // All elements, in a fixed order: four interleaved partial sums.
        const T* p = raw_data<T>(x);
        const int64_t n = x.numel();
        T acc[4] = {0, 0, 0, 0};
        int64_t i = 0;
        for (; i + 4 <= n; i += 4)
          for (int k = 0; k < 4; ++k) acc[k] += p[i + k];
        for (; i < n; ++i) acc[0] += p[i];
        po[0] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
      } else {
        auto reduced = xt::sum(as_xt<T>(x), axes, xt::evaluation_strategy::immediate);
        std::copy(reduced.begin(), reduced.end(), po);
      }
      return out;
    });
  }
  // d sum(x) = the gradient broadcast back over the reduced dims
  static TensorList backward(AutogradContext* ctx, TensorList g) {
    return {expand(reshape(g[0], ctx->saved_data.get<Shape>("kept")), ctx->input_shape(0))};
  }
};

}  // namespace

Tensor sum(const Tensor& x, const Shape& dims, bool keepdim) {
  return Sum::apply(x, dims, keepdim);
}

Tensor mean(const Tensor& x, const Shape& dims, bool keepdim) {
  kernels::check_floating(x, "mean");
  const auto axes = reduce_axes(x, dims, "mean");
  int64_t count = 1;
  for (size_t a : axes) count *= x.shape()[a];
  // mean = sum / count; an empty reduction gives NaN, as in PyTorch.
  return sum(x, dims, keepdim) / static_cast<double>(count);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  const size_t lead = x.shape().size() - std::min(x.shape().size(), shape.size());
  if (x.shape().size() < shape.size()) {
    throw ShapeError(fmt::format("sum_to: cannot sum {} down to the larger rank of {}",
                                 shape_str(x.shape()), shape_str(shape)));
  }
  Shape dims;
  for (size_t d = 0; d < x.shape().size(); ++d) {
    if (d < lead) {
      dims.push_back(static_cast<int64_t>(d));
    } else if (shape[d - lead] == 1 && x.shape()[d] != 1) {
      dims.push_back(static_cast<int64_t>(d));
    } else if (shape[d - lead] != x.shape()[d]) {
      throw ShapeError(fmt::format("sum_to: {} is not a broadcast of {}", shape_str(x.shape()),
                                   shape_str(shape)));
    }
  }
  return reshape(sum(x, dims, true), shape);
}

Tensor Tensor::sum(const Shape& dims, bool keepdim) const {
  return xgrad::sum(*this, dims, keepdim);
}
Tensor Tensor::mean(const Shape& dims, bool keepdim) const {
  return xgrad::mean(*this, dims, keepdim);
}

}  // namespace xgrad

namespace xgrad::ops {
std::vector<OpSchema> reduce_op_schemas() {
  auto dims_keepdim = [](const char* name, Tensor (*fn)(const Tensor&, const Shape&, bool)) {
    return OpSchema{name, 1, {"dims", "keepdim"}, [fn](const TensorList& in, const Attrs& a) {
                      return TensorList{fn(in[0], a.get_or<Shape>("dims", {}),
                                           a.get_or<bool>("keepdim", false))};
                    }};
  };
  return {
      dims_keepdim("sum", sum),
      dims_keepdim("mean", mean),
      OpSchema{"sum_to", 1, {"shape"}, [](const TensorList& in, const Attrs& a) {
                 return TensorList{sum_to(in[0], a.get<Shape>("shape"))};
               }},
  };
}
}  // namespace xgrad::ops
