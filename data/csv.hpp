#pragma once
// CSV files of numbers with a header row: every column but one becomes a feature, the label
// column becomes the target. Fields may be quoted ("1.5"; "" inside quotes is one quote);
// CRLF line endings and blank lines are accepted. A ragged row or a cell that is not a
// number gives an IOError naming the line and the column.
#include <cstdint>
#include <string>
#include <vector>

#include <xgrad/data/dataset.hpp>

namespace xgrad::data {

/// What read_csv reads and how; setters chain.
///   CsvOptions().label_column("price").label_dtype(xgrad::kFloat32)
struct CsvOptions {
  /// The label column by header name (takes precedence over label_index).
  CsvOptions& label_column(std::string name) {
    label_name_ = std::move(name);
    return *this;
  }
  /// The label column by position; negative counts from the end (default -1: the last one).
  CsvOptions& label_index(int64_t index) {
    label_index_ = index;
    label_name_.clear();
    return *this;
  }
  /// Int64 for class labels (cells must be whole numbers), Float32/Float64 for regression.
  CsvOptions& label_dtype(DType dtype) {
    label_dtype_ = dtype;
    return *this;
  }
  /// The dtype of the features (Float32 or Float64).
  CsvOptions& dtype(DType dtype) {
    dtype_ = dtype;
    return *this;
  }
  /// The field separator.
  CsvOptions& delimiter(char c) {
    delimiter_ = c;
    return *this;
  }

  std::string label_name_;
  int64_t label_index_ = -1;
  DType label_dtype_ = kInt64;
  DType dtype_ = kFloat32;
  char delimiter_ = ',';
};

/// A CSV file's contents: features [N, F], targets [N], and the column names.
struct CsvData {
  Tensor inputs;
  Tensor targets;
  std::vector<std::string> feature_names;
  std::string label_name;
  /// The data as a dataset.  Example: DataLoader loader(csv.dataset(), opts);
  TensorDataset dataset() const { return TensorDataset(inputs, targets); }
};

/// Reads `path`. IOError: missing/empty file, no data rows, no such label column, a row
/// with the wrong number of fields, a non-numeric or non-finite cell, a non-integer class label.
///   Example: auto iris = xgrad::data::read_csv("iris.csv", CsvOptions().label_column("species"));
CsvData read_csv(const std::string& path, const CsvOptions& options = CsvOptions());

/// As read_csv, from CSV text held in memory (`name` is used in error messages).
///   Example: auto d = parse_csv("x,y\n1,0\n2,1\n");
CsvData parse_csv(const std::string& text, const CsvOptions& options = CsvOptions(),
                  const std::string& name = "<string>");

}  // namespace xgrad::data
