#pragma once
// The hidden layer sizes the Fashion-MNIST examples keep in a checkpoint's metadata
// ("hidden": "256,128"), so that a reader can rebuild the model it was trained as.
#include <cstdint>
#include <string>
#include <vector>

namespace xgrad::examples {

/// The sizes in `text` ("256,128"); a ValueError naming `path` when an entry is not a layer
/// size in [1, 1000000] (a hand-edited or foreign checkpoint), never std::stoll's "stoll".
///   Example: auto hidden = parse_hidden_sizes(metadata.at("hidden"), path);
std::vector<int64_t> parse_hidden_sizes(const std::string& text, const std::string& path);

}  // namespace xgrad::examples
