// libFuzzer target: load_tensors on arbitrary bytes. Any input must either load or throw an
// xgrad::Error; a crash, a sanitizer report or another exception type is a finding.
#include <xgrad/xgrad.hpp>

#include "fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = xgrad::fuzz::write_scratch(data, size, ".safetensors");
  try {
    xgrad::Metadata metadata;
    auto tensors = xgrad::load_tensors(path, &metadata);
    for (auto& [name, t] : tensors) (void)t.sum();  // every loaded tensor is usable
  } catch (const xgrad::Error&) {
  }
  return 0;
}
