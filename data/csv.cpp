#include <xgrad/data/csv.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/data/gzip.hpp>

namespace xgrad::data {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits one line into fields. A field starting with a quote runs to the closing quote ("" is a
// literal quote) and may hold the delimiter; quoted newlines are not supported.
std::vector<std::string> split_fields(std::string_view line, char delim, const std::string& name,
                                      size_t line_no) {
  std::vector<std::string> fields;
  size_t i = 0;
  while (true) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t') && line[i] != delim) ++i;
    std::string field;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        field += line[i++];
      }
      if (!closed) {
        throw IOError(
            fmt::format("read_csv: {}: line {}: a quoted field is not closed", name, line_no));
      }
      while (i < line.size() && line[i] != delim) {
        if (!is_space(line[i])) {
          throw IOError(fmt::format("read_csv: {}: line {}: unexpected text after a quoted field",
                                    name, line_no));
        }
        ++i;
      }
    } else {
      const size_t end = std::min(line.find(delim, i), line.size());
      field = std::string(trim(line.substr(i, end - i)));
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;  // the delimiter
  }
  return fields;
}

/// The cell's value; IOError naming the line and column when it is not a number or does not
/// fit in `dtype` (1e300 has no float32: it would silently become inf).
double parse_number(const std::string& cell, const std::string& name, size_t line_no, size_t column,
                    const std::string& column_name, DType dtype) {
  const auto where = [&] {
    return fmt::format("read_csv: {}: line {}, column {} ('{}')", name, line_no, column + 1,
                       column_name);
  };
  std::string_view s = trim(cell);
  if (s.empty()) throw IOError(where() + ": empty cell (a missing value?)");
  if (s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range && end == s.data() + s.size()) {
    throw IOError(where() + fmt::format(": '{}' is out of range (float64 holds magnitudes from "
                                        "about 2.2e-308 to 1.8e308)",
                                        cell));
  }
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw IOError(where() + fmt::format(": '{}' is not a number", cell));
  }
  if (!std::isfinite(value)) {
    throw IOError(where() + fmt::format(": '{}' is not a finite number", cell));
  }
  if (dtype == DType::Float32 && std::fabs(value) > std::numeric_limits<float>::max()) {
    throw IOError(where() + fmt::format(": '{}' is out of range for float32 (largest magnitude "
                                        "about 3.4e38; read it as float64 with CsvOptions()"
                                        ".dtype(xgrad::kFloat64), or .label_dtype for the label)",
                                        cell));
  }
  return value;
}

size_t resolve_label(const std::vector<std::string>& header, const CsvOptions& o,
                     const std::string& name) {
  if (!o.label_name_.empty()) {
    for (size_t c = 0; c < header.size(); ++c) {
      if (header[c] == o.label_name_) return c;
    }
    throw IOError(fmt::format("read_csv: {}: no label column '{}'; the header has columns [{}]",
                              name, o.label_name_, fmt::join(header, ", ")));
  }
  const int64_t n = static_cast<int64_t>(header.size());
  const int64_t c = o.label_index_ < 0 ? o.label_index_ + n : o.label_index_;
  if (c < 0 || c >= n) {
    throw IOError(
        fmt::format("read_csv: {}: label column index {} is out of range for {} "
                    "columns [{}]",
                    name, o.label_index_, n, fmt::join(header, ", ")));
  }
  return static_cast<size_t>(c);
}

}  // namespace

CsvData parse_csv(const std::string& text, const CsvOptions& o, const std::string& name) {
  if (!is_floating(o.dtype_)) {
    throw DTypeError(
        fmt::format("read_csv: features must be float32 or float64, not {}", dtype_name(o.dtype_)));
  }
  CsvData out;
  std::vector<std::string> header;
  size_t label = 0;
  std::vector<double> features, labels;
  std::vector<int64_t> class_labels;
  size_t line_no = 0, rows = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trim(line).empty()) continue;  // blank lines, including a trailing one
    auto fields = split_fields(line, o.delimiter_, name, line_no);
    if (header.empty()) {
      header = std::move(fields);
      label = resolve_label(header, o, name);
      if (header.size() < 2) {
        throw IOError(
            fmt::format("read_csv: {}: the header has only the column '{}'; "
                        "a feature column besides the label is needed (wrong "
                        "delimiter '{}'?)",
                        name, header[0], o.delimiter_));
      }
      continue;
    }
    if (fields.size() != header.size()) {
      throw IOError(fmt::format(
          "read_csv: {}: line {} has {} fields but the header has {} (a ragged row: a missing "
          "or extra '{}'?)",
          name, line_no, fields.size(), header.size(), o.delimiter_));
    }
    for (size_t c = 0; c < fields.size(); ++c) {
      const double v = parse_number(fields[c], name, line_no, c, header[c],
                                    c == label ? o.label_dtype_ : o.dtype_);
      if (c != label) {
        features.push_back(v);
      } else if (o.label_dtype_ == kInt64) {
        if (v != std::floor(v) || std::fabs(v) > 9.0e15) {
          throw IOError(fmt::format(
              "read_csv: {}: line {}, column {} ('{}'): {} is not a whole-number class label "
              "(for regression targets use CsvOptions().label_dtype(xgrad::kFloat32))",
              name, line_no, c + 1, header[c], fields[c]));
        }
        class_labels.push_back(static_cast<int64_t>(v));
      } else {
        labels.push_back(v);
      }
    }
    ++rows;
  }
  if (header.empty()) throw IOError(fmt::format("read_csv: {}: empty file (no header row)", name));
  if (rows == 0) throw IOError(fmt::format("read_csv: {}: a header but no data rows", name));
  const auto n = static_cast<int64_t>(rows);
  const auto f = static_cast<int64_t>(header.size() - 1);
  out.inputs = tensor(features, {n, f}, o.dtype_);
  out.targets =
      o.label_dtype_ == kInt64 ? tensor(class_labels, {n}) : tensor(labels, {n}, o.label_dtype_);
  out.label_name = header[label];
  for (size_t c = 0; c < header.size(); ++c) {
    if (c != label) out.feature_names.push_back(header[c]);
  }
  return out;
}

CsvData read_csv(const std::string& path, const CsvOptions& options) {
  const auto bytes = read_maybe_gzip(path, "read_csv");
  return parse_csv(std::string(bytes.begin(), bytes.end()), options, "'" + path + "'");
}

}  // namespace xgrad::data
