#pragma once
// L-BFGS, a port of torch/optim/lbfgs.py (PyTorch 1.13): limited-memory BFGS over all
// parameters as one flat vector, with an optional strong-Wolfe line search
// (_strong_wolfe / _cubic_interpolate, themselves ports of Torch7's lswolfe.lua and
// polyinterp.lua). Needs a closure that re-evaluates the loss; one parameter group only.
// Its state (kept, as in PyTorch, on the first parameter) is computed in float64 whatever
// the parameters' dtype.
//
//   xgrad::optim::LBFGS opt({xy}, xgrad::optim::LBFGSOptions(1).line_search_fn("strong_wolfe"));
//   opt.step([&] { opt.zero_grad(); auto l = rosenbrock(xy); l.backward(); return l; });
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {

/// LBFGS's options.  Example: LBFGSOptions(1).max_iter(20).line_search_fn("strong_wolfe")
struct LBFGSOptions : OptionsBase<LBFGSOptions> {
  XGRAD_OPTIONS("LBFGS");
  /// Example: LBFGSOptions(0.5)
  LBFGSOptions(double lr = 1) : lr_(lr) {}
  XGRAD_OPTION(double, lr);
  /// Iterations per step().
  XGRAD_OPTION(int64_t, max_iter) = 20;
  /// Closure evaluations per step(); 0 means max_iter * 5 / 4 (PyTorch's default).
  XGRAD_OPTION(int64_t, max_eval) = 0;
  /// Stop when every |gradient| is at most this.
  XGRAD_OPTION(double, tolerance_grad) = 1e-7;
  /// Stop when the loss or the step changes less than this.
  XGRAD_OPTION(double, tolerance_change) = 1e-9;
  XGRAD_OPTION(int64_t, history_size) = 100;
  /// "" (or "none") for fixed steps of lr, or "strong_wolfe".
  XGRAD_OPTION(std::string, line_search_fn) = "";
};

/// L-BFGS.  Example: LBFGS opt(params, LBFGSOptions(1)); opt.step(closure);
class LBFGS : public Optimizer {
 public:
  /// Example: LBFGS opt({xy});
  LBFGS(std::vector<Tensor> params, const LBFGSOptions& options = LBFGSOptions());
  /// Exactly one group.  Example: LBFGS opt({ParamGroup({w, b})}, LBFGSOptions(0.5));
  LBFGS(std::vector<ParamGroup> groups, const LBFGSOptions& options = LBFGSOptions());
  /// Name-keyed options (what the registry calls).  Example: LBFGS opt(groups, {{"lr", 0.5}});
  LBFGS(std::vector<ParamGroup> groups, const OptionMap& options);

  /// Up to max_iter iterations; `closure` is required (ValueError without).  Returns the loss
  /// of the first evaluation.  Example: auto loss = opt.step(closure);
  Tensor step(const LossClosure& closure = nullptr) override;
  std::string name() const override { return LBFGSOptions::kName; }

  /// Throws ValueError for lr < 0, max_iter < 1, max_eval < 0, negative tolerances,
  /// history_size < 1, or an unknown line_search_fn.
  static void validate(const LBFGSOptions& o);

 protected:
  void validate_options(const OptimizerOptions& options) const override;
  std::vector<std::string> buffer_names(const OptimizerOptions& options) const override;
  void validate_state(const ParamState& state, const Tensor& param, const OptimizerOptions& options,
                      int64_t index) const override;
  DType state_dtype(const Tensor&) const override { return DType::Float64; }

 private:
  int64_t flat_numel() const;
  Tensor gather_flat_grad() const;
  void add_to_params(double t, const Tensor& d);
  double evaluate(const LossClosure& closure, Tensor* loss_tensor = nullptr);
};

}  // namespace xgrad::optim
