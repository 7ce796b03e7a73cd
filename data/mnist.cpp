#include <xgrad/data/mnist.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <vector>

#include <xgrad/core/error.hpp>
#include <xgrad/data/idx.hpp>

namespace xgrad::data {

std::string find_mnist_file(const std::string& dir, const std::string& stem,
                            const std::string& idx_kind) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw IOError(fmt::format(
        "load_mnist: '{}' is not a directory (expected a folder holding the MNIST/Fashion-MNIST "
        "IDX files; Debian's dataset-fashion-mnist installs them in "
        "/usr/share/datasets/fashion-mnist)",
        dir));
  }
  // Files as distributed (gzipped), unpacked, and the dotted spelling some mirrors use.
  const std::vector<std::string> names = {
      stem + "-" + idx_kind + "-ubyte.gz", stem + "-" + idx_kind + "-ubyte",
      stem + "." + idx_kind + "-ubyte.gz", stem + "." + idx_kind + "-ubyte"};
  for (const auto& name : names) {
    const fs::path p = fs::path(dir) / name;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  throw IOError(
      fmt::format("load_mnist: no {} file in '{}': looked for {} (Fashion-MNIST: install Debian's "
                  "dataset-fashion-mnist, or download the four files from "
                  "github.com/zalandoresearch/fashion-mnist)",
                  stem, dir, fmt::join(names, ", ")));
}

TensorDataset load_mnist(const std::string& dir, bool train) {
  const std::string split = train ? "train" : "t10k";
  const std::string images_path = find_mnist_file(dir, split + "-images", "idx3");
  const std::string labels_path = find_mnist_file(dir, split + "-labels", "idx1");
  Tensor images = read_idx_images(images_path);
  Tensor labels = read_idx_labels(labels_path);
  if (images.size(0) != labels.size(0)) {
    throw IOError(fmt::format(
        "load_mnist: '{}' holds {} images but '{}' holds {} labels (files from different "
        "downloads or splits?)",
        images_path, images.size(0), labels_path, labels.size(0)));
  }
  return TensorDataset(std::move(images), std::move(labels));
}

}  // namespace xgrad::data
