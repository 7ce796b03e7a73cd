// The registry's error messages (kept out of the template so every instance shares them).
#include <xgrad/core/registry.hpp>

#include <fmt/format.h>

namespace xgrad::detail {

void throw_unknown_name(const std::string& kind, const std::string& name,
                        const std::vector<std::string>& known) {
  if (known.empty()) {
    throw ValueError(fmt::format("unknown {} '{}': no {} is registered", kind, name, kind));
  }
  throw ValueError(fmt::format("unknown {} '{}'; known: {}", kind, name, fmt::join(known, ", ")));
}

void throw_bad_registration(const std::string& kind, const std::string& name, bool empty) {
  if (empty) throw ValueError(fmt::format("a {} name must not be empty", kind));
  throw ValueError(fmt::format("{} '{}' is already registered; choose another name", kind, name));
}

}  // namespace xgrad::detail
