#pragma once
// Datasets: indexable collections of (input, target) examples, the source a DataLoader draws
// batches from. A dataset is read-only once built: with prefetching, a loader calls get() and
// get_batch() from its background thread.
#include <cstdint>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad::data {

/// One example: an input and its target (a label or a regression value).
struct Example {
  Tensor input;
  Tensor target;
};

/// A batch of examples stacked along a new first dimension; binds as `auto& [x, y]`.
struct Batch {
  Tensor inputs;
  Tensor targets;
};

/// The interface a DataLoader reads. Implement size() and get(); override get_batch() when
/// gathering a batch can be done faster than one get() per example.
///   class Squares : public xgrad::data::Dataset { ... };
class Dataset {
 public:
  virtual ~Dataset() = default;
  /// Number of examples.  Example: ds.size()
  virtual int64_t size() const = 0;
  /// The example at `index` in [0, size()); IndexError outside.  Example: auto [x, y] = ds.get(0);
  virtual Example get(int64_t index) const = 0;
  /// The examples at `indices`, stacked (the default calls get() for each and stacks).
  ///   Example: auto b = ds.get_batch({3, 1, 4});  // b.inputs.size(0) == 3
  virtual Batch get_batch(const std::vector<int64_t>& indices) const;
};

/// A dataset over two tensors whose first dimension indexes the examples.
///   xgrad::data::TensorDataset ds(xgrad::randn({100, 4}), labels);  // labels: int64 [100]
class TensorDataset : public Dataset {
 public:
  /// ShapeError when the first dimensions differ or a tensor is 0-d; ValueError if undefined.
  TensorDataset(Tensor inputs, Tensor targets);

  int64_t size() const override;
  Example get(int64_t index) const override;
  /// Copies the rows at `indices` straight into the batch tensors (one memcpy per row).
  Batch get_batch(const std::vector<int64_t>& indices) const override;

  /// The first n examples (all when n >= size()), sharing nothing with this dataset.
  ///   Example: auto small = train.head(2000);
  TensorDataset head(int64_t n) const;
  /// All inputs, [size(), ...].
  const Tensor& inputs() const { return inputs_; }
  /// All targets, [size(), ...].
  const Tensor& targets() const { return targets_; }

 private:
  Tensor inputs_;
  Tensor targets_;
};

}  // namespace xgrad::data
