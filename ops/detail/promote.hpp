#pragma once
// Mixed dtypes in arithmetic and comparisons, as libtorch for what it promotes: bool and int64
// operands meet a floating operand in its dtype; bool meets int64 as int64; int64 and bool
// arithmetic runs without autograd (labels, counts, masks). float32 with float64 stays an
// error (a DTypeError that says to convert with .to()), xgrad's deliberate difference.
#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// True when a or b is int64 or bool (both defined): the caller takes the promoting path.
bool needs_promotion(const Tensor& a, const Tensor& b);
bool needs_promotion(const Tensor& a);

/// DTypeError naming `op` when a or b is bool: subtraction with a bool tensor is refused, as in
/// libtorch (whose message this repeats: `~` inverts a mask).
void check_sub_dtypes(DType a, DType b, const char* op);

/// a op b for op in + - * / with at least one int64/bool operand. A floating operand keeps
/// autograd (the other is converted to its dtype); int64 (op) int64 gives int64, except `/`
/// which is true division into float32, as in libtorch.
Tensor promoted_binary(const Tensor& a, const Tensor& b, char op);
/// a op c for an int64/bool tensor a (scalar_first: c op a). An integral c keeps int64;
/// a fractional c gives float32 (as libtorch: int64 tensor * 0.5 is float).
Tensor promoted_scalar(const Tensor& a, double c, char op, bool scalar_first = false);
/// -a for int64 (bool: DTypeError, as libtorch, which says to use ~ instead).
Tensor promoted_neg(const Tensor& a);
/// where() with int64/bool a and b (a mixed floating pair converts the other to floating).
Tensor promoted_where(const Tensor& cond, const Tensor& a, const Tensor& b);

/// Sum (kind '+'), max ('>') or min ('<') of an int64/bool tensor over `dims` (all when
/// empty) into int64 (sum of bool counts, as libtorch; max/min of bool give int64 0/1 here).
Tensor integral_reduce(const Tensor& x, const Shape& dims, bool keepdim, char kind);

/// a and b in one dtype, following the rules above; `op` names the caller in errors.
std::pair<Tensor, Tensor> promote_pair(const Tensor& a, const Tensor& b, const char* op);

}  // namespace xgrad
