#pragma once
// Autocast: a scope in which matrix products (matmul, mm, bmm, linear) of float32 tensors
// compute in bfloat16 with float32 accumulation, the way torch::autocast does on the CPU.
// Parameters, gradients and optimizer state stay float32 ("master weights"): only the
// operands of each product are rounded to bfloat16, inside the product.
//
//   { xgrad::AutocastGuard autocast(xgrad::kBFloat16); auto loss = loss_fn(model(x), y);
//     loss.backward(); }   // backward's products run in bfloat16 too
//
// The state is per thread, as in PyTorch. A product records the state it ran under, and its
// backward runs under that same state whichever thread (the caller or a TBB worker) runs it,
// so backward may be called inside or outside the guard with the same result.
// Without a bfloat16 GEMM (the OpenBLAS backend, or a CPU without avx512_bf16) products stay
// float32 and the first one says so once on stderr (xgrad::autocast_available in ops/autocast.hpp asks).

namespace xgrad {

/// The reduced precision an autocast scope uses.
enum class AutocastDType { None, BFloat16 };
inline constexpr AutocastDType kBFloat16 = AutocastDType::BFloat16;

/// This thread's autocast state: AutocastDType::None outside any scope.
AutocastDType autocast_dtype();
/// Sets this thread's autocast state (prefer AutocastGuard, which restores it).
void set_autocast_dtype(AutocastDType dtype);

/// Sets the autocast state for its scope and restores the previous one (scopes nest).
/// Example: { xgrad::AutocastGuard g(xgrad::kBFloat16); auto y = model(x); }
class AutocastGuard {
 public:
  explicit AutocastGuard(AutocastDType dtype = kBFloat16) : previous_(autocast_dtype()) {
    set_autocast_dtype(dtype);
  }
  ~AutocastGuard() { set_autocast_dtype(previous_); }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  AutocastDType previous_;
};

}  // namespace xgrad
