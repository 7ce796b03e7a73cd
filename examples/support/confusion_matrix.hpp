#pragma once
// A confusion matrix over integer class labels, with overall and per-class accuracy and a
// printout with class names.
//   ConfusionMatrix cm(10);  cm.add(argmax(logits, 1), labels);  cm.print(std::cout, names);
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>
#include <xgrad/core/tensor.hpp>

namespace xgrad::examples {

class ConfusionMatrix {
 public:
  /// ValueError for num_classes < 1.  Example: ConfusionMatrix cm(10);
  explicit ConfusionMatrix(int64_t num_classes);
  /// Counts pairs of predicted and true labels (int64 tensors of the same number of
  /// elements); IndexError for a label outside [0, num_classes).
  ///   Example: cm.add(xgrad::argmax(logits, 1), y);
  void add(const Tensor& predicted, const Tensor& actual);
  /// How often class `actual` was predicted as `predicted`.
  int64_t count(int64_t actual, int64_t predicted) const;
  int64_t total() const;
  /// Correct / total (NaN when empty).
  double accuracy() const;
  /// Per true class: correct / examples of that class (NaN for a class never seen).
  std::vector<double> per_class_accuracy() const;
  /// Table: rows true class, columns predicted, then per-class accuracy; names optional.
  void print(std::ostream& os, const std::vector<std::string>& class_names = {}) const;
  int64_t num_classes() const { return n_; }

 private:
  int64_t n_;
  std::vector<int64_t> counts_;  // [actual * n + predicted]
};

}  // namespace xgrad::examples
