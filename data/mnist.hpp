#pragma once
// MNIST and Fashion-MNIST (same file names and format) from a directory of IDX files.
#include <string>

#include <xgrad/data/dataset.hpp>

namespace xgrad::data {

/// The train (60,000) or test (10,000) split from `dir`: inputs float32 [N, 784] in [0, 1],
/// targets int64 [N]. Looks for train-images-idx3-ubyte(.gz) / t10k-images-idx3-ubyte(.gz)
/// (also the "images.idx3-ubyte" spelling) and the matching labels; IOError listing the names
/// looked for when missing, or when images and labels disagree in count.
///   Example: auto train = xgrad::data::load_mnist("/usr/share/datasets/fashion-mnist", true);
TensorDataset load_mnist(const std::string& dir, bool train = true);

/// The path of the first existing file among the MNIST spellings of `stem` in `dir`
/// ("train-images" -> train-images-idx3-ubyte.gz, ...); IOError listing them all if none.
///   Example: find_mnist_file("/data/mnist", "t10k-labels", "idx1");
std::string find_mnist_file(const std::string& dir, const std::string& stem,
                            const std::string& idx_kind);

}  // namespace xgrad::data
