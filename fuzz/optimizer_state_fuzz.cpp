// libFuzzer target: an optimizer state file (safetensors with JSON metadata) loaded into Adam
// and SGD over two parameters. Any input must load or throw an xgrad::Error; after an error the
// optimizer must be unchanged and still step.
#include <xgrad/xgrad.hpp>

#include "fuzz_file.hpp"

namespace xg = xgrad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = xg::fuzz::write_scratch(data, size, ".state");
  for (const char* name : {"adam", "sgd"}) {
    std::vector<xg::Tensor> params{xg::ones({2, 3}).requires_grad_(),
                                   xg::ones({3}).requires_grad_()};
    auto opt = xg::optim::make(name, params, {{"lr", 0.1}});
    try {
      opt->load(path);
    } catch (const xg::Error&) {
    }
    for (auto& p : params) p.set_grad(xg::ones(p.shape()));
    try {
      opt->step();  // a loaded state may be refused here (e.g. at the step limit), cleanly
    } catch (const xg::Error&) {
    }
  }
  return 0;
}
