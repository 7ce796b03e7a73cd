#include <xgrad/data/dataset.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad::data {
namespace {

// The raw bytes of a contiguous tensor's data, whatever its dtype (datasets hold contiguous
// tensors: the constructor makes views contiguous).
char* raw_bytes(const Tensor& t) {
  switch (t.dtype()) {
    case DType::Float32:
      return reinterpret_cast<char*>(t.data_ptr<float>());
    case DType::Float64:
      return reinterpret_cast<char*>(t.data_ptr<double>());
    case DType::Int64:
      return reinterpret_cast<char*>(t.data_ptr<int64_t>());
    case DType::Bool:
      return reinterpret_cast<char*>(t.data_ptr<bool>());
  }
  return nullptr;
}

void check_index(int64_t index, int64_t size, const char* fn) {
  if (index < 0 || index >= size) {
    throw IndexError(
        fmt::format("{}: index {} is out of range for a dataset of {} examples", fn, index, size));
  }
}

// Copies the rows `indices` (first-dim slices) of `source` into a new tensor.
Tensor gather_rows(const Tensor& source, const std::vector<int64_t>& indices) {
  Shape shape = source.shape();
  const int64_t rows = shape[0];
  shape[0] = static_cast<int64_t>(indices.size());
  Tensor out = zeros(shape, source.dtype());
  const size_t row_bytes =
      rows == 0 ? 0 : static_cast<size_t>(source.numel() / rows) * dtype_size(source.dtype());
  const char* src = raw_bytes(source);
  char* dst = raw_bytes(out);
  for (size_t i = 0; i < indices.size(); ++i) {
    std::memcpy(dst + i * row_bytes, src + static_cast<size_t>(indices[i]) * row_bytes, row_bytes);
  }
  return out;
}

}  // namespace

Batch Dataset::get_batch(const std::vector<int64_t>& indices) const {
  if (indices.empty()) throw ValueError("Dataset::get_batch: no indices given (empty batch)");
  NoGradGuard no_grad;  // batches are data, never part of a graph
  TensorList inputs, targets;
  inputs.reserve(indices.size());
  targets.reserve(indices.size());
  for (int64_t index : indices) {
    Example e = get(index);
    inputs.push_back(std::move(e.input));
    targets.push_back(std::move(e.target));
  }
  try {
    return {stack(inputs, 0), stack(targets, 0)};
  } catch (const ShapeError& e) {
    throw ShapeError(fmt::format(
        "Dataset::get_batch: the examples have different shapes and cannot be stacked ({})",
        e.what()));
  }
}

TensorDataset::TensorDataset(Tensor inputs, Tensor targets)
    : inputs_(std::move(inputs)), targets_(std::move(targets)) {
  if (!inputs_.defined() || !targets_.defined()) {
    throw ValueError("TensorDataset: inputs and targets must both be defined tensors");
  }
  // Rows are copied as bytes: a view (x.t(), x.index(...)) is made contiguous once here.
  if (!inputs_.is_contiguous()) inputs_ = inputs_.detach().contiguous();
  if (!targets_.is_contiguous()) targets_ = targets_.detach().contiguous();
  if (inputs_.dim() == 0 || targets_.dim() == 0) {
    throw ShapeError(fmt::format(
        "TensorDataset: inputs {} and targets {} need a first dimension indexing the examples",
        shape_str(inputs_.shape()), shape_str(targets_.shape())));
  }
  if (inputs_.size(0) != targets_.size(0)) {
    throw ShapeError(fmt::format(
        "TensorDataset: inputs {} and targets {} disagree on the number of examples ({} vs {})",
        shape_str(inputs_.shape()), shape_str(targets_.shape()), inputs_.size(0),
        targets_.size(0)));
  }
}

int64_t TensorDataset::size() const {
  return inputs_.size(0);
}

Example TensorDataset::get(int64_t index) const {
  check_index(index, size(), "TensorDataset::get");
  NoGradGuard no_grad;
  return {inputs_[index], targets_[index]};
}

Batch TensorDataset::get_batch(const std::vector<int64_t>& indices) const {
  if (indices.empty()) throw ValueError("TensorDataset::get_batch: no indices given (empty batch)");
  for (int64_t index : indices) check_index(index, size(), "TensorDataset::get_batch");
  return {gather_rows(inputs_, indices), gather_rows(targets_, indices)};
}

TensorDataset TensorDataset::head(int64_t n) const {
  if (n < 0) throw ValueError(fmt::format("TensorDataset::head: n must be >= 0, got {}", n));
  NoGradGuard no_grad;
  const int64_t end = std::min(n, size());
  return TensorDataset(slice(inputs_, 0, 0, end), slice(targets_, 0, 0, end));
}

}  // namespace xgrad::data
