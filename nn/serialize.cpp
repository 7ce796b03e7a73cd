#include <xgrad/nn/serialize.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>

namespace xgrad::nn {

void save(const Module& module, const std::string& path, const Metadata& metadata) {
  TensorDict tensors;
  for (const auto& [name, tensor] : module.state_dict()) tensors.emplace(name, tensor.detach());
  save_tensors(tensors, path, metadata);
}

LoadResult load(Module& module, const std::string& path, bool strict) {
  try {
    return load_state_dict(module, load_tensors(path), strict);  // IOError before any change
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("nn::load: '{}': {}", path, e.what()));
  }
}

LoadResult load_state_dict(Module& module, const TensorDict& tensors, bool strict) {
  TensorDict file = tensors;
  LoadResult result;
  std::vector<std::pair<Tensor, Tensor>> copies;  // (module tensor, file tensor)
  for (const auto& [name, target] : module.state_dict()) {
    auto found = file.find(name);
    if (found == file.end()) {
      result.missing_keys.push_back(name);
      continue;
    }
    const Tensor& source = found->second;
    if (source.shape() != target.shape()) {
      result.mismatched_keys.push_back(fmt::format(
          "{}: file {} vs module {}", name, shape_str(source.shape()), shape_str(target.shape())));
    } else if (is_floating(source.dtype()) != is_floating(target.dtype())) {
      result.mismatched_keys.push_back(fmt::format("{}: file {} vs module {}", name,
                                                   dtype_name(source.dtype()),
                                                   dtype_name(target.dtype())));
    } else {
      copies.emplace_back(target, source);
      result.loaded_keys.push_back(name);
    }
    file.erase(found);
  }
  for (const auto& entry : file) result.unexpected_keys.push_back(entry.first);

  const bool clean = result.missing_keys.empty() && result.unexpected_keys.empty() &&
                     result.mismatched_keys.empty();
  if (strict && !clean) {
    std::string problems;
    auto list = [&](const char* what, const std::vector<std::string>& keys) {
      if (!keys.empty())
        problems += fmt::format("\n  {} ({}): {}", what, keys.size(), fmt::join(keys, ", "));
    };
    list("missing keys", result.missing_keys);
    list("unexpected keys", result.unexpected_keys);
    list("shape/dtype mismatches", result.mismatched_keys);
    throw ValueError(
        fmt::format("load_state_dict: the tensors do not match the {} module "
                    "(nothing was loaded; pass strict=false to load what "
                    "matches):{}",
                    module.name(), problems));
  }
  NoGradGuard no_grad;
  for (auto& [target, source] : copies) {
    if (is_floating(target.dtype())) {
      target.copy_(source);  // converts float32 <-> float64
    } else {                 // int64 buffers (BatchNorm's num_batches_tracked): copy the values
      strided_copy(*source.impl(), *target.impl());  // either may be a view
      target.bump_version();
    }
  }
  return result;
}

}  // namespace xgrad::nn
