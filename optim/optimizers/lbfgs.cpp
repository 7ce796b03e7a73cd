// L-BFGS: a line-by-line port of torch/optim/lbfgs.py (PyTorch 1.13), on flat float64
// vectors. Names follow the Python so the two can be read side by side.
#include <xgrad/optim/optimizers/lbfgs.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/shape.hpp>
#include <xgrad/optim/detail/kernel_util.hpp>

namespace xgrad::optim {
namespace {

constexpr const char* kWho = LBFGSOptions::kName;

// ---- flat float64 vector helpers ----------------------------------------------------------------
// Products are accumulated with fused multiply-adds, as BLAS ddot's loop and PyTorch's add_
// (alpha) kernel do on FMA hardware: L-BFGS without line search amplifies a one-ulp difference
// here into visible ones a few steps later.

Tensor vec(int64_t n) {
  return zeros({n}, DType::Float64);
}
double* ptr(const Tensor& t) {
  return raw_data<double>(t);
}
double dot(const Tensor& a, const Tensor& b) {
  const double *x = ptr(a), *y = ptr(b);
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s = std::fma(x[i], y[i], s);
  return s;
}
double abs_max(const Tensor& a) {
  double m = 0;
  for (int64_t i = 0; i < a.numel(); ++i) m = std::max(m, std::abs(ptr(a)[i]));
  return m;
}
double abs_sum(const Tensor& a) {
  double s = 0;
  for (int64_t i = 0; i < a.numel(); ++i) s += std::abs(ptr(a)[i]);
  return s;
}
/// a ← a + alpha·b
void axpy(const Tensor& a, double alpha, const Tensor& b) {
  double *x = ptr(a), *y = ptr(b);
  for (int64_t i = 0; i < a.numel(); ++i) x[i] = std::fma(alpha, y[i], x[i]);
}
/// A new vector alpha·a
Tensor scaled(const Tensor& a, double alpha) {
  Tensor r = vec(a.numel());
  for (int64_t i = 0; i < a.numel(); ++i) ptr(r)[i] = ptr(a)[i] * alpha;
  return r;
}
Tensor copy_of(const Tensor& a) {
  return scaled(a, 1.0);
}

// ---- line search (_cubic_interpolate, _strong_wolfe) --------------------------------------------

/// Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds
/// (default: between x1 and x2); the midpoint when the cubic has no real minimiser.
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds = nullptr) {
  double xmin_bound, xmax_bound;
  if (bounds) {
    xmin_bound = bounds[0];
    xmax_bound = bounds[1];
  } else if (x1 <= x2) {
    xmin_bound = x1;
    xmax_bound = x2;
  } else {
    xmin_bound = x2;
    xmax_bound = x1;
  }
  // d1 = g1 + g2 − 3(f1 − f2)/(x1 − x2);  d2 = √(d1² − g1g2)
  // min_pos = x2 − (x2 − x1)(g2 + d2 − d1)/(g2 − g1 + 2d2)   (x2 the farther point)
  const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    double min_pos;
    if (x1 <= x2) {
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
    } else {
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    }
    return std::min(std::max(min_pos, xmin_bound), xmax_bound);
  }
  return (xmin_bound + xmax_bound) / 2.;
}

struct Evaluation {
  double loss;
  Tensor flat_grad;
};

struct LineSearchResult {
  double loss;
  Tensor flat_grad;
  double t;
  int64_t func_evals;
};

/// Finds a step t along d satisfying the strong Wolfe conditions: bracket, then zoom.
template <class ObjFunc>
LineSearchResult strong_wolfe(ObjFunc&& obj_func, double t, const Tensor& d, double f,
                              const Tensor& g, double gtd, double c1 = 1e-4, double c2 = 0.9,
                              double tolerance_change = 1e-9, int64_t max_ls = 25) {
  const double d_norm = abs_max(d);
  // evaluate objective and gradient using initial step
  Evaluation e = obj_func(t, d);
  double f_new = e.loss;
  Tensor g_new = e.flat_grad;
  int64_t ls_func_evals = 1;
  double gtd_new = dot(g_new, d);

  // bracket an interval containing a point satisfying the Wolfe criteria
  double t_prev = 0, f_prev = f, gtd_prev = gtd;
  Tensor g_prev = g;
  bool done = false;
  int64_t ls_iter = 0;
  double bracket[2] = {0, 0}, bracket_f[2] = {0, 0}, bracket_gtd[2] = {0, 0};
  Tensor bracket_g[2];
  int size = 0;
  while (ls_iter < max_ls) {
    // check conditions
    if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
      bracket[0] = t_prev, bracket[1] = t;
      bracket_f[0] = f_prev, bracket_f[1] = f_new;
      bracket_g[0] = g_prev, bracket_g[1] = g_new;
      bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
      size = 2;
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {
      bracket[0] = t, bracket_f[0] = f_new, bracket_g[0] = g_new;
      size = 1;
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      bracket[0] = t_prev, bracket[1] = t;
      bracket_f[0] = f_prev, bracket_f[1] = f_new;
      bracket_g[0] = g_prev, bracket_g[1] = g_new;
      bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
      size = 2;
      break;
    }
    // interpolate
    const double bounds[2] = {t + 0.01 * (t - t_prev), t * 10};
    const double tmp = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds);
    // next step
    t_prev = tmp;
    f_prev = f_new;
    g_prev = g_new;
    gtd_prev = gtd_new;
    e = obj_func(t, d);
    f_new = e.loss;
    g_new = e.flat_grad;
    ls_func_evals += 1;
    gtd_new = dot(g_new, d);
    ls_iter += 1;
  }
  // reached max number of iterations?
  if (ls_iter == max_ls) {
    bracket[0] = 0, bracket[1] = t;
    bracket_f[0] = f, bracket_f[1] = f_new;
    bracket_g[0] = g, bracket_g[1] = g_new;
    size = 2;
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket around it; refine
  // the bracket until we find the exact point satisfying the criteria
  bool insuf_progress = false;
  // find high and low points in bracket
  int low_pos = 0, high_pos = 1;
  if (!(bracket_f[0] <= bracket_f[size - 1])) low_pos = 1, high_pos = 0;
  while (!done && ls_iter < max_ls) {
    // line-search bracket is so small
    if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
    // compute new trial value
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1],
                          bracket_gtd[1]);
    // Sufficient progress: a t too close to a boundary (after insufficient progress, or on
    // the boundary itself) moves to 0.1·len(bracket) from the nearest boundary.
    const double bmax = std::max(bracket[0], bracket[1]), bmin = std::min(bracket[0], bracket[1]);
    const double eps = 0.1 * (bmax - bmin);
    if (std::min(bmax - t, t - bmin) < eps) {
      // interpolation close to boundary
      if (insuf_progress || t >= bmax || t <= bmin) {
        // evaluate at 0.1 away from boundary
        t = std::abs(t - bmax) < std::abs(t - bmin) ? bmax - eps : bmin + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }
    // Evaluate new point
    e = obj_func(t, d);
    f_new = e.loss;
    g_new = e.flat_grad;
    ls_func_evals += 1;
    gtd_new = dot(g_new, d);
    ls_iter += 1;

    if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low_pos]) {
      // Armijo condition not satisfied or not lower than lowest point
      bracket[high_pos] = t;
      bracket_f[high_pos] = f_new;
      bracket_g[high_pos] = g_new;
      bracket_gtd[high_pos] = gtd_new;
      if (bracket_f[0] <= bracket_f[1]) {
        low_pos = 0, high_pos = 1;
      } else {
        low_pos = 1, high_pos = 0;
      }
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        // Wolfe conditions satisfied
        done = true;
      } else if (gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0) {
        // old high becomes new low
        bracket[high_pos] = bracket[low_pos];
        bracket_f[high_pos] = bracket_f[low_pos];
        bracket_g[high_pos] = bracket_g[low_pos];
        bracket_gtd[high_pos] = bracket_gtd[low_pos];
      }
      // new point becomes new low
      bracket[low_pos] = t;
      bracket_f[low_pos] = f_new;
      bracket_g[low_pos] = g_new;
      bracket_gtd[low_pos] = gtd_new;
    }
  }
  return {bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals};
}

/// Writes saved values back into the parameters when it goes out of scope (unless
/// released): a closure that throws part-way through a step leaves the parameters as they
/// were.  copy_ between tensors of one shape and dtype does not throw.
class RestoreParams {
 public:
  RestoreParams(const std::vector<Tensor>& params, const std::vector<Tensor>& saved)
      : params_(params), saved_(saved) {}
  RestoreParams(const RestoreParams&) = delete;
  RestoreParams& operator=(const RestoreParams&) = delete;
  ~RestoreParams() {
    if (!active_) return;
    for (std::size_t k = 0; k < params_.size(); ++k) params_[k].copy_(saved_[k]);
  }
  void release() { active_ = false; }

 private:
  const std::vector<Tensor>& params_;
  const std::vector<Tensor>& saved_;
  bool active_ = true;
};

std::vector<Tensor> clones(const std::vector<Tensor>& params) {
  std::vector<Tensor> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back(p.clone());
  return out;
}

std::string key(const char* name, int64_t k) {
  return fmt::format("{}.{}", name, k);
}

}  // namespace

// ---- construction
// ---------------------------------------------------------------------------------

LBFGS::LBFGS(std::vector<Tensor> params, const LBFGSOptions& options)
    : LBFGS(std::vector<ParamGroup>{ParamGroup(std::move(params))}, options) {}

LBFGS::LBFGS(std::vector<ParamGroup> groups, const OptionMap& options)
    : LBFGS(std::move(groups), LBFGSOptions::from_map(options)) {}

LBFGS::LBFGS(std::vector<ParamGroup> groups, const LBFGSOptions& options)
    : Optimizer((validate(options), options.clone())) {
  if (groups.size() != 1) {
    throw ValueError(fmt::format(
        "LBFGS: got {} parameter groups; LBFGS optimizes all parameters as one vector and "
        "supports exactly one group (as in PyTorch)",
        groups.size()));
  }
  add_param_group(std::move(groups[0]));
}

void LBFGS::validate(const LBFGSOptions& o) {
  check_option(o.lr() >= 0, kWho, "lr", o.lr(), ">= 0");
  check_option(o.max_iter() >= 1, kWho, "max_iter", static_cast<double>(o.max_iter()), ">= 1");
  check_option(o.max_eval() >= 0, kWho, "max_eval", static_cast<double>(o.max_eval()),
               ">= 0 (0: max_iter * 5 / 4)");
  check_option(o.tolerance_grad() >= 0, kWho, "tolerance_grad", o.tolerance_grad(), ">= 0");
  check_option(o.tolerance_change() >= 0, kWho, "tolerance_change", o.tolerance_change(), ">= 0");
  check_option(o.history_size() >= 1, kWho, "history_size", static_cast<double>(o.history_size()),
               ">= 1");
  const std::string& ls = o.line_search_fn();
  if (!ls.empty() && ls != "none" && ls != "strong_wolfe") {
    throw ValueError(fmt::format(
        "LBFGS: invalid line_search_fn \"{}\": it must be \"strong_wolfe\" or \"\" (none)", ls));
  }
}

void LBFGS::validate_options(const OptimizerOptions& options) const {
  auto* typed = dynamic_cast<const LBFGSOptions*>(&options);
  if (!typed) throw ValueError("LBFGS: a parameter group has options of another optimizer");
  validate(*typed);
}

std::vector<std::string> LBFGS::buffer_names(const OptimizerOptions&) const {
  return {"d", "prev_flat_grad"};
}

void LBFGS::validate_state(const ParamState& state, const Tensor&, const OptimizerOptions& options,
                           int64_t index) const {
  const auto& o = static_cast<const LBFGSOptions&>(options);
  if (index != 0) {
    throw ValueError(fmt::format(
        "LBFGS: state for parameter {}: LBFGS keeps its state on parameter 0 only", index));
  }
  auto scalar = [&](const std::string& name) {
    auto it = state.scalars.find(name);
    if (it == state.scalars.end()) {
      throw ValueError(fmt::format("LBFGS: the state misses the scalar '{}'", name));
    }
    return it->second;
  };
  const double n_iter = scalar("n_iter");
  scalar("func_evals");
  std::vector<std::string> expected;
  if (n_iter > 0) {
    for (const char* s : {"t", "H_diag", "prev_loss", "history"}) scalar(s);
    const double history = scalar("history");
    if (history < 0 || history > static_cast<double>(o.history_size()) ||
        history != std::floor(history)) {
      throw ValueError(
          fmt::format("LBFGS: the state holds a history of {} pairs; history_size is {}", history,
                      o.history_size()));
    }
    expected = {"d", "prev_flat_grad"};
    for (int64_t k = 0; k < static_cast<int64_t>(history); ++k) {
      expected.push_back(key("old_dirs", k));
      expected.push_back(key("old_stps", k));
      scalar(key("ro", k));
    }
  }
  const Shape flat{flat_numel()};
  for (const auto& name : expected) {
    auto it = state.buffers.find(name);
    if (it == state.buffers.end()) {
      throw ValueError(fmt::format("LBFGS: the state misses the buffer '{}'", name));
    }
    if (it->second.shape() != flat) {
      throw ShapeError(
          fmt::format("LBFGS: state buffer '{}' has shape {}; expected {} (all "
                      "parameters as one vector)",
                      name, shape_str(it->second.shape()), shape_str(flat)));
    }
  }
  if (state.buffers.size() != expected.size()) {
    throw ValueError(fmt::format("LBFGS: the state holds {} buffers; expected {}",
                                 state.buffers.size(), expected.size()));
  }
}

// ---- helpers over the parameters
// ------------------------------------------------------------------

int64_t LBFGS::flat_numel() const {
  int64_t n = 0;
  for (const auto& p : param_groups()[0].params()) n += p.numel();
  return n;
}

Tensor LBFGS::gather_flat_grad() const {
  check_grads();
  Tensor flat = vec(flat_numel());
  double* out = ptr(flat);
  for (const auto& p : param_groups()[0].params()) {
    Tensor g = p.grad();
    if (g.defined()) {  // a parameter without gradient contributes zeros
      visit_floating(g.dtype(), kWho, [&](auto zero) {
        using T = decltype(zero);
        const T* src = raw_data<T>(g);
        for (int64_t i = 0; i < g.numel(); ++i) out[i] = static_cast<double>(src[i]);
      });
    }
    out += p.numel();
  }
  return flat;
}

void LBFGS::add_to_params(double t, const Tensor& d) {
  const double* src = ptr(d);
  for (const auto& p : param_groups()[0].params()) {
    visit_floating(p.dtype(), kWho, [&](auto zero) {
      using T = decltype(zero);
      T* dst = raw_data<T>(p);
      for (int64_t i = 0; i < p.numel(); ++i)
        dst[i] = static_cast<T>(std::fma(t, src[i], static_cast<double>(dst[i])));
    });
    p.bump_version();
    src += p.numel();
  }
}

double LBFGS::evaluate(const LossClosure& closure, Tensor* loss_tensor) {
  Tensor loss;
  {
    EnableGradGuard enable_grad;
    loss = closure();
  }
  if (!loss.defined() || loss.numel() != 1) {
    throw ValueError(
        "LBFGS::step: the closure must return the loss, a one-element tensor (got " +
        (loss.defined() ? "shape " + shape_str(loss.shape()) : std::string("an undefined tensor")) +
        ")");
  }
  if (loss_tensor) *loss_tensor = loss;
  return loss.item();
}

// ---- step
// -------------------------------------------------------------------------------------------

Tensor LBFGS::step(const LossClosure& closure) {
  if (!closure) {
    throw ValueError(
        "LBFGS::step: LBFGS needs a closure that zeroes the gradients, recomputes the loss, "
        "calls backward() and returns the loss: opt.step([&] { ... return loss; })");
  }
  if (param_groups().size() != 1) {
    throw ValueError(fmt::format("LBFGS::step: LBFGS supports exactly one parameter group; got {}",
                                 param_groups().size()));
  }
  NoGradGuard no_grad;
  const auto& o = static_cast<const LBFGSOptions&>(param_groups()[0].options());
  const double lr = o.lr();
  const int64_t max_iter = o.max_iter();
  const int64_t max_eval = o.max_eval() > 0 ? o.max_eval() : max_iter * 5 / 4;
  const double tolerance_grad = o.tolerance_grad(), tolerance_change = o.tolerance_change();
  const bool strong_wolfe_search = o.line_search_fn() == "strong_wolfe";
  const int64_t history_size = o.history_size();
  const std::vector<Tensor>& params = param_groups()[0].params();

  // LBFGS has only global state, kept as the state of the first parameter. It is read into
  // locals and written back only when the step completes: if the closure throws, the state
  // and the parameters are as they were before the step (all or nothing).
  const ParamState empty_state;
  const auto found = all_state().find(params[0].impl());
  const ParamState& state = found == all_state().end() ? empty_state : found->second;
  auto buffer = [&](const char* name) {
    auto it = state.buffers.find(name);
    return it == state.buffers.end() ? Tensor() : it->second;
  };
  auto scalar = [&](const std::string& name, double fallback) {
    auto it = state.scalars.find(name);
    return it == state.scalars.end() ? fallback : it->second;
  };
  double func_evals = scalar("func_evals", 0);
  double state_n_iter = scalar("n_iter", 0);

  // evaluate initial f(x) and df/dx
  Tensor orig_loss;
  double loss = evaluate(closure, &orig_loss);
  int64_t current_evals = 1;
  func_evals += 1;

  Tensor flat_grad = gather_flat_grad();
  bool opt_cond = abs_max(flat_grad) <= tolerance_grad;
  // optimal condition
  if (opt_cond) {
    ParamState& committed = all_state()[params[0].impl()];
    committed.scalars["func_evals"] = func_evals;
    committed.scalars["n_iter"] = state_n_iter;
    return orig_loss;
  }

  // From here on the parameters move; a throwing closure puts them back.
  const std::vector<Tensor> x_start = clones(params);
  RestoreParams restore_on_error(params, x_start);

  // the cached state
  Tensor d = buffer("d");
  double t = scalar("t", 0);
  std::vector<Tensor> old_dirs, old_stps;
  std::vector<double> ro;
  const auto history = static_cast<int64_t>(scalar("history", 0));
  for (int64_t k = 0; k < history; ++k) {
    old_dirs.push_back(state.buffers.at(key("old_dirs", k)));
    old_stps.push_back(state.buffers.at(key("old_stps", k)));
    ro.push_back(state.scalars.at(key("ro", k)));
  }
  // history_size lowered since the history was built: keep the newest pairs only, so the
  // saved state never holds more than history_size pairs.
  while (static_cast<int64_t>(old_dirs.size()) > history_size) {
    old_dirs.erase(old_dirs.begin());
    old_stps.erase(old_stps.begin());
    ro.erase(ro.begin());
  }
  double H_diag = scalar("H_diag", 1);
  Tensor prev_flat_grad = buffer("prev_flat_grad");
  double prev_loss = scalar("prev_loss", 0);
  std::vector<double> al;  // sized from the history in use, which history_size may undercut

  int64_t n_iter = 0;
  // optimize for a max of max_iter iterations
  while (n_iter < max_iter) {
    // keep track of nb of iterations
    n_iter += 1;
    state_n_iter += 1;

    // ---- compute gradient descent direction
    if (state_n_iter == 1) {
      d = scaled(flat_grad, -1);
      old_dirs.clear();
      old_stps.clear();
      ro.clear();
      H_diag = 1;
    } else {
      // do lbfgs update (update memory)
      Tensor y = copy_of(flat_grad);
      axpy(y, -1, prev_flat_grad);
      Tensor s = scaled(d, t);
      const double ys = dot(y, s);  // y*s
      if (ys > 1e-10) {
        // updating memory
        // Shift history by one (limited-memory). A while, not PyTorch's if: history_size
        // may have been lowered since the history was built.
        while (static_cast<int64_t>(old_dirs.size()) >= history_size) {
          old_dirs.erase(old_dirs.begin());
          old_stps.erase(old_stps.begin());
          ro.erase(ro.begin());
        }
        // store new direction/step
        old_dirs.push_back(y);
        old_stps.push_back(s);
        ro.push_back(1. / ys);
        // update scale of initial Hessian approximation
        H_diag = ys / dot(y, y);  // (y*y)
      }
      // compute the approximate (L-BFGS) inverse Hessian multiplied by the gradient, with the
      // two-loop recursion collapsed onto one buffer
      const auto num_old = static_cast<int64_t>(old_dirs.size());
      al.assign(old_dirs.size(), 0.0);
      Tensor q = scaled(flat_grad, -1);
      for (int64_t i = num_old - 1; i >= 0; --i) {
        al[i] = dot(old_stps[i], q) * ro[i];
        axpy(q, -al[i], old_dirs[i]);
      }
      // multiply by initial Hessian; r/d is the final direction
      Tensor r = scaled(q, H_diag);
      d = r;
      for (int64_t i = 0; i < num_old; ++i) {
        const double be_i = dot(old_dirs[i], r) * ro[i];
        axpy(r, al[i] - be_i, old_stps[i]);
      }
    }
    prev_flat_grad = copy_of(flat_grad);
    prev_loss = loss;

    // ---- compute step length
    // reset initial guess for step size
    if (state_n_iter == 1) {
      t = std::min(1., 1. / abs_sum(flat_grad)) * lr;
    } else {
      t = lr;
    }
    // directional derivative
    const double gtd = dot(flat_grad, d);  // g * d
    // directional derivative is below tolerance
    if (gtd > -tolerance_change) break;

    // optional line search: user function
    int64_t ls_func_evals = 0;
    if (strong_wolfe_search) {
      const std::vector<Tensor> x_init = clones(params);
      auto obj_func = [&](double step, const Tensor& dir) {
        // _directional_evaluate: evaluate at x + step·dir, then restore x (also on a throw)
        RestoreParams restore(params, x_init);
        add_to_params(step, dir);
        return Evaluation{evaluate(closure), gather_flat_grad()};
      };
      LineSearchResult ls = strong_wolfe(obj_func, t, d, loss, flat_grad, gtd);
      loss = ls.loss;
      flat_grad = ls.flat_grad;
      t = ls.t;
      ls_func_evals = ls.func_evals;
      add_to_params(t, d);
      opt_cond = abs_max(flat_grad) <= tolerance_grad;
    } else {
      // no line search, simply move with fixed-step
      add_to_params(t, d);
      if (n_iter != max_iter) {
        // re-evaluate function only if not in last iteration (in a stochastic setting there
        // is no use re-evaluating it here)
        loss = evaluate(closure);
        flat_grad = gather_flat_grad();
        opt_cond = abs_max(flat_grad) <= tolerance_grad;
        ls_func_evals = 1;
      }
    }
    // update func eval
    current_evals += ls_func_evals;
    func_evals += static_cast<double>(ls_func_evals);

    // ---- check conditions
    if (n_iter == max_iter) break;
    if (current_evals >= max_eval) break;
    // optimal condition
    if (opt_cond) break;
    // lack of progress
    if (abs_max(d) * std::abs(t) <= tolerance_change) break;
    if (std::abs(loss - prev_loss) < tolerance_change) break;
  }

  // Commit: build the new state (buffers by name, the history as numbered entries), then
  // swap it in; nothing after the last closure call can leave a half-written state.
  ParamState next;
  next.buffers["d"] = d;
  next.buffers["prev_flat_grad"] = prev_flat_grad;
  for (std::size_t k = 0; k < old_dirs.size(); ++k) {
    next.buffers[key("old_dirs", static_cast<int64_t>(k))] = old_dirs[k];
    next.buffers[key("old_stps", static_cast<int64_t>(k))] = old_stps[k];
    next.scalars[key("ro", static_cast<int64_t>(k))] = ro[k];
  }
  next.scalars["func_evals"] = func_evals;
  next.scalars["n_iter"] = state_n_iter;
  next.scalars["history"] = static_cast<double>(old_dirs.size());
  next.scalars["t"] = t;
  next.scalars["H_diag"] = H_diag;
  next.scalars["prev_loss"] = prev_loss;
  next.step = static_cast<int64_t>(state_n_iter);
  all_state()[params[0].impl()] = std::move(next);
  restore_on_error.release();
  return orig_loss;
}

}  // namespace xgrad::optim
