#pragma once
// Shared test helpers: value/substring checks, error messages, gradcheck asserts, random leaves.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace xgtest {
namespace xg = xgrad;

/// Passes when `text` contains `part`; the failure shows both.
inline ::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << text << "\"\n    does not contain \"" << part << "\"";
}

/// The what() of the E that `f` throws, or "<no exception>" when it throws nothing (an
/// exception of another type propagates and fails the test).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

/// xg::gradgradcheck with the failure message shown by gtest.
inline ::testing::AssertionResult GradgradcheckPasses(const xg::GradcheckFn& fn,
                                                      const xg::TensorList& inputs) {
  const auto r = xg::gradgradcheck(fn, inputs);
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message;
}

/// A float64 tensor from row-major values.
inline xg::Tensor t64(const std::vector<double>& values, const xg::Shape& shape) {
  return xg::tensor(values, shape, xg::kFloat64);
}

/// xg::gradcheck with the failure message shown by gtest.
inline ::testing::AssertionResult GradcheckPasses(const xg::GradcheckFn& fn,
                                                  const xg::TensorList& inputs) {
  const auto r = xg::gradcheck(fn, inputs);
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << r.message;
}

/// Element-by-element comparison of a tensor with expected values (exact when tol == 0).
inline ::testing::AssertionResult ValuesEqual(const xg::Tensor& t,
                                              const std::vector<double>& expected,
                                              double tol = 0.0) {
  const auto v = t.to_vector();
  if (v.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "has " << v.size() << " elements, expected " << expected.size() << ": " << t;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    const bool same = tol == 0.0 ? v[i] == expected[i] : std::abs(v[i] - expected[i]) <= tol;
    if (!same) {
      return ::testing::AssertionFailure() << "element " << i << " is " << v[i] << ", expected "
                                           << expected[i] << " (tol " << tol << "): " << t;
    }
  }
  return ::testing::AssertionSuccess();
}

/// A float64 standard-normal leaf that requires grad.
inline xg::Tensor randn_leaf(const xg::Shape& shape) {
  return xg::randn(shape, xg::kFloat64).requires_grad_();
}

/// A float64 leaf uniform on [lo, hi) (for log, pow, and denominators).
inline xg::Tensor positive_leaf(const xg::Shape& shape, double lo = 0.5, double hi = 2.0) {
  return (xg::rand(shape, xg::kFloat64) * (hi - lo) + lo).requires_grad_();
}

/// A float64 normal leaf with every value at least `margin` away from 0 (for relu).
inline xg::Tensor away_from_zero_leaf(const xg::Shape& shape, double margin = 0.2) {
  auto v = xg::randn(shape, xg::kFloat64).to_vector();
  for (auto& e : v) e += e >= 0 ? margin : -margin;
  return xg::tensor(v, shape, xg::kFloat64).requires_grad_();
}

/// "3x1", "scalar" (0-d): a shape as a gtest name fragment.
inline std::string shape_tag(const xg::Shape& shape) {
  if (shape.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += 'x';
    s += shape[i] < 0 ? "m" + std::to_string(-shape[i]) : std::to_string(shape[i]);
  }
  return s;
}

}  // namespace xgtest
