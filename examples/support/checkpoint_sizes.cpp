#include "checkpoint_sizes.hpp"

#include <fmt/format.h>

#include <charconv>
#include <sstream>
#include <xgrad/core/error.hpp>

namespace xgrad::examples {

std::vector<int64_t> parse_hidden_sizes(const std::string& text, const std::string& path) {
  std::vector<int64_t> sizes;
  std::stringstream items(text);
  for (std::string item; std::getline(items, item, ',');) {
    int64_t size = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), size);
    if (ec != std::errc() || end != item.data() + item.size() || size < 1 || size > 1000000) {
      throw ValueError(fmt::format(
          "checkpoint '{}': its \"hidden\" metadata '{}' is not a comma-separated list of layer "
          "sizes in [1, 1000000] ('{}' is not one); was it written by the fashion_mnist example?",
          path, text, item));
    }
    sizes.push_back(size);
  }
  return sizes;
}

}  // namespace xgrad::examples
