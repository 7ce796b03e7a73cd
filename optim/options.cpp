// The unknown-key check for name-keyed options.
#include <xgrad/optim/options.hpp>

#include <fmt/format.h>

#include <xgrad/core/error.hpp>

namespace xgrad::optim {

void check_option_keys(const OptionMap& options, const std::vector<std::string>& valid,
                       const std::string& who) {
  for (const auto& [key, value] : options) {
    bool known = false;
    for (const auto& v : valid) known = known || v == key;
    if (!known) {
      throw ValueError(fmt::format("{}: unknown option '{}'; valid options: {}", who, key,
                                   fmt::join(valid, ", ")));
    }
  }
}

}  // namespace xgrad::optim
