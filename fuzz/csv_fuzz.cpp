// libFuzzer target: parse_csv on arbitrary text with class labels (int64) and with float32
// regression targets. Any input must parse or throw an xgrad::Error.
#include <xgrad/xgrad.hpp>

namespace xd = xgrad::data;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)xd::parse_csv(text).inputs.numel();
  } catch (const xgrad::Error&) {
  }
  try {
    (void)xd::parse_csv(text, xd::CsvOptions().label_dtype(xgrad::kFloat32).delimiter(';'))
        .targets.numel();
  } catch (const xgrad::Error&) {
  }
  return 0;
}
