#pragma once
// Internal: the schemas of the built-in ops, collected from each op family's file.
#include <vector>

#include <xgrad/ops/registry.hpp>

namespace xgrad::ops {

std::vector<OpSchema> elementwise_op_schemas();
std::vector<OpSchema> activation_op_schemas();
std::vector<OpSchema> reduce_op_schemas();
std::vector<OpSchema> linalg_op_schemas();
std::vector<OpSchema> shape_op_schemas();
std::vector<OpSchema> loss_op_schemas();
std::vector<OpSchema> functional_op_schemas();

/// All of the above.
std::vector<OpSchema> builtin_op_schemas();

}  // namespace xgrad::ops

namespace xgrad::ops {

/// Schema of a one-tensor op without attributes.
inline OpSchema unary_schema(const char* name, Tensor (*fn)(const Tensor&)) {
  return OpSchema{
      name, 1, {}, [fn](const TensorList& in, const Attrs&) { return TensorList{fn(in[0])}; }};
}
/// Schema of a two-tensor op without attributes.
inline OpSchema binary_schema(const char* name, Tensor (*fn)(const Tensor&, const Tensor&)) {
  return OpSchema{name, 2, {}, [fn](const TensorList& in, const Attrs&) {
                    return TensorList{fn(in[0], in[1])};
                  }};
}

}  // namespace xgrad::ops
