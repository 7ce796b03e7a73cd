#pragma once
// The ten Fashion-MNIST class names, in label order (shared by the examples that print them).
#include <string>
#include <vector>

namespace xgrad::examples {

inline const std::vector<std::string> kFashionClassNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

}  // namespace xgrad::examples
