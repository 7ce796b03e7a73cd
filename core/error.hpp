#pragma once
// The error hierarchy. Every public entry checks its input and throws one of these with a
// message naming the function, the values and the likely cause, e.g.
//   matmul: cannot multiply [64, 10] by [5, 1]: inner dimensions 10 and 5 differ
#include <stdexcept>
#include <string>

namespace xgrad {

/// Base of every error xgrad throws. Catch this to catch them all.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// Shapes that do not fit together (broadcasting, matmul, reshape).
class ShapeError : public Error {
 public:
  using Error::Error;
};
/// A dtype an op does not support, or two dtypes mixed in one op.
class DTypeError : public Error {
 public:
  using Error::Error;
};
/// A value outside its allowed range (negative learning rate, empty tensor, ...).
class ValueError : public Error {
 public:
  using Error::Error;
};
/// An index or dimension out of range.
class IndexError : public Error {
 public:
  using Error::Error;
};
/// A file that cannot be read or written, or whose contents are corrupt.
class IOError : public Error {
 public:
  using Error::Error;
};
/// Memory for a tensor that cannot be had: the message names the shape, the dtype and the bytes
/// requested (2^40 floats are 4 TiB). Derives from Error, so `catch (const xgrad::Error&)`
/// catches it as it catches every other failure of the library.
class OutOfMemoryError : public Error {
 public:
  using Error::Error;
};
/// Misuse of autograd: backward through a freed graph, on a tensor without grad, a saved
/// tensor modified in place, a backward returning the wrong gradients.
class AutogradError : public Error {
 public:
  using Error::Error;
};

}  // namespace xgrad
