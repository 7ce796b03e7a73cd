#pragma once
// Per-epoch training history, kept in memory and written as CSV and as an SVG chart (loss
// and accuracy per epoch) that opens in any browser.
//   EpochRecord r;  r.epoch = 1;  r.train_loss = 0.61;  r.test_loss = 0.48;  r.test_accuracy =
//   0.83; History h;  h.add(r); h.write_csv("history.csv");  h.write_svg("history.svg",
//   "Fashion-MNIST MLP");
#include <limits>
#include <string>
#include <vector>

namespace xgrad::examples {

/// One epoch's numbers; NaN where not measured. Accuracy is a fraction in [0, 1].
struct EpochRecord {
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  int epoch = 0;
  double train_loss = kNaN;
  double test_loss = kNaN;
  double test_accuracy = kNaN;
  double lr = kNaN;
  double seconds = kNaN;
  double samples_per_sec = kNaN;

  /// A field by its CSV column name; xgrad::ValueError listing the names if unknown.
  ///   Example: r.get("test_accuracy")
  double get(const std::string& name) const;
  /// The column names in CSV order: epoch, train_loss, test_loss, ...
  static const std::vector<std::string>& names();
};

class History {
 public:
  /// Appends an epoch.  Example: history.add(record);
  void add(const EpochRecord& record) { records_.push_back(record); }
  const std::vector<EpochRecord>& records() const { return records_; }
  size_t size() const { return records_.size(); }
  bool empty() const { return records_.empty(); }
  /// The last epoch (xgrad::ValueError when empty).
  const EpochRecord& back() const;
  /// The epoch with the lowest `monitor` (highest for names containing "accuracy"), or
  /// nullptr when no epoch has a value.  Example: history.best("test_accuracy")->epoch
  const EpochRecord* best(const std::string& monitor) const;

  /// CSV with a header row; NaN as an empty cell.
  std::string to_csv() const;
  /// Writes to_csv() to `path` (xgrad::IOError when it cannot).
  void write_csv(const std::string& path) const;
  /// A standalone SVG: loss (train, test) and test accuracy per epoch, side by side.
  std::string to_svg(const std::string& title = "Training history") const;
  /// Writes to_svg(title) to `path`.  Example: history.write_svg("out/history.svg", "MLP");
  void write_svg(const std::string& path, const std::string& title = "Training history") const;

 private:
  std::vector<EpochRecord> records_;
};

}  // namespace xgrad::examples
