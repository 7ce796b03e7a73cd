#pragma once
// Gradient clipping against exploding gradients, as torch.nn.utils.clip_grad_norm_ and
// clip_grad_value_ do it: in place on each parameter's .grad(), never recorded in the graph.
// Call between loss.backward() and opt->step():
//
//   loss.backward();
//   double norm = xgrad::optim::clip_grad_norm(model.parameters(), 1.0);
//   opt->step();
#include <limits>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad::optim {

/// The p-norm used by clip_grad_norm for the infinity norm (max |g|).
inline constexpr double kInfNorm = std::numeric_limits<double>::infinity();

/// Scales all gradients together so that their joint `norm_type`-norm is at most `max_norm`;
/// returns the norm before clipping. Parameters without a gradient are skipped.
/// The norm is that of the per-parameter norms, ‖(‖g₁‖, …, ‖gₙ‖)‖ₚ (PyTorch's order), each
/// accumulated in double in row-major order, so the result is deterministic. The gradients are
/// multiplied by max_norm / (norm + 1e-6) unless that factor is ≥ 1.
/// `norm_type` is any p > 0 or kInfNorm; with `error_if_nonfinite`, a NaN or infinite norm
/// throws ValueError and leaves the gradients unchanged.
///   double n = clip_grad_norm(params, 1.0);            // 2-norm
///   clip_grad_norm(params, 5.0, optim::kInfNorm);       // max |g|
double clip_grad_norm(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                      bool error_if_nonfinite = false);

/// Clamps every gradient element into [-clip_value, clip_value] (NaN stays NaN).
///   clip_grad_value(model.parameters(), 0.5);
void clip_grad_value(const std::vector<Tensor>& params, double clip_value);

}  // namespace xgrad::optim
