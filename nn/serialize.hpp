#pragma once
// Checkpoints: a module's parameters and buffers in a safetensors file, under the names
// named_parameters() / named_buffers() give ("layers.0.weight"), so the file opens in Python:
//   safetensors.torch.load_file("model.safetensors")
//
//   xgrad::nn::save(model, "model.safetensors");
//   xgrad::nn::load(fresh_model, "model.safetensors");           // strict: names and shapes must agree
//   auto report = xgrad::nn::load(model, path, /*strict=*/false); // loads what matches
#include <string>
#include <vector>

#include <xgrad/core/safetensors.hpp>
#include <xgrad/nn/module.hpp>

namespace xgrad::nn {

using ::xgrad::load_tensors;
using ::xgrad::save_tensors;

/// What a load found besides the tensors it loaded.
struct LoadResult {
  std::vector<std::string> missing_keys;     ///< in the module, not in the file
  std::vector<std::string> unexpected_keys;  ///< in the file, not in the module
  std::vector<std::string>
      mismatched_keys;  ///< in both, with different shapes ("name: file [2] vs module [3]")
  std::vector<std::string> loaded_keys;
};

/// Writes every parameter and buffer of `module` (atomically) with optional metadata.
///   save(model, "model.safetensors", {{"epoch", "10"}});
void save(const Module& module, const std::string& path, const Metadata& metadata = {});

/// Copies `tensors` into the module's parameters and buffers by name, as load() does with a
/// file (same strict/non-strict rules, same all-or-nothing).
///   auto r = load_state_dict(model, load_tensors("a.safetensors"), /*strict=*/false);
LoadResult load_state_dict(Module& module, const TensorDict& tensors, bool strict = true);

/// Copies the file's tensors into the module's parameters and buffers (converting float32 <->
/// float64 as needed). With `strict`, any missing key, unexpected key or shape mismatch is one
/// ValueError listing all of them; without, the matching tensors are loaded and the rest
/// reported. Either way the module is changed only if the whole load succeeds.
LoadResult load(Module& module, const std::string& path, bool strict = true);

}  // namespace xgrad::nn
