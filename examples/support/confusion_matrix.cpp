#include "confusion_matrix.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <xgrad/core/error.hpp>

namespace xgrad::examples {

ConfusionMatrix::ConfusionMatrix(int64_t num_classes) : n_(num_classes) {
  if (n_ < 1) {
    throw ValueError(fmt::format("ConfusionMatrix: num_classes must be >= 1, got {}", n_));
  }
  counts_.assign(size_t(n_ * n_), 0);
}

void ConfusionMatrix::add(const Tensor& predicted, const Tensor& actual) {
  if (predicted.dtype() != DType::Int64 || actual.dtype() != DType::Int64) {
    throw DTypeError(
        "ConfusionMatrix::add: predictions and labels must be int64 (argmax gives "
        "int64)");
  }
  if (predicted.numel() != actual.numel()) {
    throw ShapeError(fmt::format("ConfusionMatrix::add: {} predictions but {} labels",
                                 predicted.numel(), actual.numel()));
  }
  const int64_t* p = predicted.data_ptr<int64_t>();
  const int64_t* a = actual.data_ptr<int64_t>();
  // Check everything first so that an error leaves the counts as they were.
  for (int64_t i = 0; i < actual.numel(); ++i) {
    if (p[i] < 0 || p[i] >= n_ || a[i] < 0 || a[i] >= n_) {
      throw IndexError(
          fmt::format("ConfusionMatrix::add: pair {} (predicted {}, actual {}) is "
                      "outside the {} classes",
                      i, p[i], a[i], n_));
    }
  }
  for (int64_t i = 0; i < actual.numel(); ++i) ++counts_[size_t(a[i] * n_ + p[i])];
}

int64_t ConfusionMatrix::count(int64_t actual, int64_t predicted) const {
  if (actual < 0 || actual >= n_ || predicted < 0 || predicted >= n_) {
    throw IndexError(fmt::format("ConfusionMatrix::count: ({}, {}) is outside the {} classes",
                                 actual, predicted, n_));
  }
  return counts_[size_t(actual * n_ + predicted)];
}

int64_t ConfusionMatrix::total() const {
  int64_t t = 0;
  for (int64_t c : counts_) t += c;
  return t;
}

double ConfusionMatrix::accuracy() const {
  int64_t correct = 0;
  for (int64_t k = 0; k < n_; ++k) correct += counts_[size_t(k * n_ + k)];
  const int64_t t = total();
  return t > 0 ? double(correct) / double(t) : NAN;
}

std::vector<double> ConfusionMatrix::per_class_accuracy() const {
  std::vector<double> out(size_t(n_), NAN);
  for (int64_t a = 0; a < n_; ++a) {
    int64_t row = 0;
    for (int64_t p = 0; p < n_; ++p) row += counts_[size_t(a * n_ + p)];
    if (row > 0) out[size_t(a)] = double(counts_[size_t(a * n_ + a)]) / double(row);
  }
  return out;
}

void ConfusionMatrix::print(std::ostream& os, const std::vector<std::string>& names) const {
  const auto name = [&](int64_t k) {
    return size_t(k) < names.size() ? names[size_t(k)] : std::to_string(k);
  };
  size_t label_w = 6;  // "actual"
  for (int64_t k = 0; k < n_; ++k) label_w = std::max(label_w, name(k).size());
  int64_t max_count = 1;
  for (int64_t c : counts_) max_count = std::max(max_count, c);
  // Columns are numbered (names are long); the row labels carry the names.
  const size_t w =
      std::max<size_t>(std::to_string(max_count).size(), std::to_string(n_ - 1).size()) + 1;
  os << fmt::format("{:<{}} predicted ->\n", "actual", label_w);
  os << fmt::format("{:<{}}", "", label_w);
  for (int64_t p = 0; p < n_; ++p) os << fmt::format("{:>{}}", p, w);
  os << "  accuracy\n";
  const auto acc = per_class_accuracy();
  for (int64_t a = 0; a < n_; ++a) {
    os << fmt::format("{:<{}}", name(a), label_w);
    for (int64_t p = 0; p < n_; ++p) os << fmt::format("{:>{}}", counts_[size_t(a * n_ + p)], w);
    os << (std::isnan(acc[size_t(a)]) ? std::string("         -")
                                      : fmt::format("  {:7.2f}%", 100 * acc[size_t(a)]))
       << "  (" << a << ")\n";
  }
  os << fmt::format("overall accuracy {:.2f}% of {} examples\n", 100 * accuracy(), total());
}

}  // namespace xgrad::examples
