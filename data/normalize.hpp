#pragma once
// Feature scaling fitted on training data and applied identically to test data, so that the
// test set never leaks into the statistics.
//   Standardizer st;  auto xtr = st.fit_transform(train_x);  auto xte = st.transform(test_x);
#include <xgrad/core/tensor.hpp>

namespace xgrad::data {

/// Per-feature (x - mean) / std, statistics over the first dimension (population std; a
/// constant feature gets std 1, so it maps to 0 rather than dividing by zero).
class Standardizer {
 public:
  /// Fits mean and std of a floating [N, ...] tensor (N >= 1).  Example: st.fit(train_x);
  Standardizer& fit(const Tensor& x);
  /// (x - mean) / std, in x's dtype; x's shape after the first dim must match the fitted one.
  ///   Example: auto z = st.transform(test_x);
  Tensor transform(const Tensor& x) const;
  /// fit(x) then transform(x).  Example: auto z = st.fit_transform(train_x);
  Tensor fit_transform(const Tensor& x);
  bool fitted() const { return mean_.defined(); }
  /// The fitted per-feature mean (float64, x's shape without the first dim).
  const Tensor& mean() const { return mean_; }
  /// The fitted per-feature std (float64; 1 where a feature is constant).
  const Tensor& stddev() const { return std_; }

 private:
  Tensor mean_, std_;
};

/// Per-feature (x - min) / (max - min) to [0, 1] with min/max from the training data (a
/// constant feature gets range 1). Test values outside the training range fall outside [0, 1].
class MinMaxScaler {
 public:
  /// Fits per-feature min and max of a floating [N, ...] tensor.  Example: mm.fit(train_x);
  MinMaxScaler& fit(const Tensor& x);
  /// (x - min) / (max - min).  Example: auto z = mm.transform(test_x);
  Tensor transform(const Tensor& x) const;
  /// fit(x) then transform(x).
  Tensor fit_transform(const Tensor& x);
  bool fitted() const { return min_.defined(); }
  const Tensor& min() const { return min_; }
  const Tensor& max() const { return max_; }

 private:
  Tensor min_, max_;
};

/// (x - lo) / (hi - lo): known bounds to [0, 1]. ValueError unless lo < hi.
///   Example: auto pixels01 = scale_to_unit(pixels, 0, 255);
Tensor scale_to_unit(const Tensor& x, double lo, double hi);

}  // namespace xgrad::data
