#pragma once
// fmt support: fmt::print("{}\n", tensor) prints it as operator<< does.
#include <fmt/format.h>

#include <xgrad/core/tensor.hpp>

template <>
struct fmt::formatter<xgrad::Tensor> : fmt::formatter<std::string> {
  template <class Context>
  auto format(const xgrad::Tensor& t, Context& ctx) const {
    return fmt::formatter<std::string>::format(xgrad::to_string(t), ctx);
  }
};
