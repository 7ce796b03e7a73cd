#pragma once
// A tiny stand-in for (Fashion-)MNIST, for CI and smoke tests that must not depend on the
// 30 MB dataset: the same four IDX file names, 28x28 uint8 images, labels 0-9, and classes
// that a model can learn (class k is a bright bar at a position of its own, plus noise).
#include <cstdint>
#include <string>

namespace xgrad::examples {

/// Writes train-/t10k- images and labels (gzipped IDX) into `dir` (created if missing).
///   Example: write_synthetic_mnist("/tmp/fake-mnist", 2000, 500);  // then load_mnist on it
void write_synthetic_mnist(const std::string& dir, int64_t train_count, int64_t test_count,
                           uint64_t seed = 0);

}  // namespace xgrad::examples
