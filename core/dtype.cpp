#include "core/dtype.hpp"

namespace xgrad {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return "float32";
    case DType::Float64:
      return "float64";
    case DType::Int64:
      return "int64";
  }
  return "unknown";
}

std::size_t dtype_size(DType dtype) {
  return dtype == DType::Float32 ? 4 : 8;
}

}  // namespace xgrad
