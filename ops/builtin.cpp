#include <xgrad/ops/detail/builtin.hpp>

namespace xgrad::ops {

std::vector<OpSchema> builtin_op_schemas() {
  std::vector<OpSchema> all;
  for (auto family :
       {elementwise_op_schemas, activation_op_schemas, reduce_op_schemas, linalg_op_schemas,
        shape_op_schemas, functional_op_schemas, loss_op_schemas}) {
    for (auto& s : family()) all.push_back(std::move(s));
  }
  return all;
}

}  // namespace xgrad::ops
