// libFuzzer target: the IDX readers on arbitrary bytes, plain and (when the input starts with
// the gzip magic) compressed. Any input must read or throw an xgrad::Error.
#include <xgrad/xgrad.hpp>

#include "fuzz_file.hpp"

namespace xd = xgrad::data;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = xgrad::fuzz::write_scratch(data, size, ".idx");
  try {
    (void)xd::read_idx(path).numel();
  } catch (const xgrad::Error&) {
  }
  try {
    (void)xd::read_idx(path, xgrad::kInt64).numel();
  } catch (const xgrad::Error&) {
  }
  try {
    (void)xd::read_idx_images(path).numel();
  } catch (const xgrad::Error&) {
  }
  return 0;
}
