// The fused update rules (SGD and the Adam family: one pass per parameter, option flags turned into template
// parameters) against a plain, straightforward transcription of each PyTorch 1.13 formula,
// for the option combinations the PyTorch reference trajectories do not all cover: maximize,
// weight decay, centered/momentum RMSprop, AMSGrad, float32 and float64 parameters, several
// parameter groups with their own options, and tensors large enough to be split over threads.
#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "optim/optimizer_test_util.hpp"

namespace xgtest {
namespace {

using Vec = std::vector<double>;

/// One parameter's state in the plain implementation.
struct PlainState {
  std::map<std::string, Vec> buf;
  double mu_product = 1.0;  // NAdam
};

double opt_double(const optim::OptionMap& o, const char* key) {
  return o.at(key).as_double(key);
}
bool opt_bool(const optim::OptionMap& o, const char* key) {
  return o.at(key).as_bool(key);
}

/// The buffer `name`, created filled with `value` on first use.
Vec& buffer(PlainState& s, const std::string& name, std::size_t n, double value = 0.0) {
  auto it = s.buf.find(name);
  if (it == s.buf.end()) it = s.buf.emplace(name, Vec(n, value)).first;
  return it->second;
}

/// One step of optimizer `name` (options `o`, the group's full option map) on p, in T
/// arithmetic element by element, written as the formulas read (docs of torch.optim, 1.13).
template <class T>
void plain_step(const std::string& name, const optim::OptionMap& o, int64_t step, Vec& p,
                const Vec& grad, PlainState& s) {
  const std::size_t n = p.size();
  const double t = static_cast<double>(step);
  const double lr = opt_double(o, "lr");
  const double wd = opt_double(o, "weight_decay");
  const bool maximize = o.count("maximize") ? opt_bool(o, "maximize") : false;
  auto g_of = [&](std::size_t i) {
    T g = T(grad[i]);
    if (maximize) g = -g;
    if (wd != 0) g = g + T(wd) * T(p[i]);
    return g;
  };
  if (name == "sgd") {
    const double momentum = opt_double(o, "momentum"), dampening = opt_double(o, "dampening");
    const bool nesterov = opt_bool(o, "nesterov");
    const bool first = !s.buf.count("momentum_buffer");
    for (std::size_t i = 0; i < n; ++i) {
      T d = g_of(i);
      if (momentum != 0) {
        Vec& b = buffer(s, "momentum_buffer", n);
        // The first step's buffer is the gradient itself (torch.clone), later ones decay.
        b[i] = first ? d : T(T(momentum) * T(b[i]) + T(1 - dampening) * d);
        d = nesterov ? T(d + T(momentum) * T(b[i])) : T(b[i]);
      }
      p[i] = T(T(p[i]) - T(lr) * d);
    }
  } else if (name == "rmsprop") {
    const double alpha = opt_double(o, "alpha"), eps = opt_double(o, "eps");
    const double momentum = opt_double(o, "momentum");
    const bool centered = opt_bool(o, "centered");
    Vec& sq = buffer(s, "square_avg", n);
    for (std::size_t i = 0; i < n; ++i) {
      const T g = g_of(i);
      sq[i] = T(T(sq[i]) * T(alpha) + T(1 - alpha) * g * g);
      T avg;
      if (centered) {
        Vec& ga = buffer(s, "grad_avg", n);
        ga[i] = T(T(ga[i]) * T(alpha) + T(1 - alpha) * g);
        avg = std::sqrt(T(sq[i]) - T(ga[i]) * T(ga[i])) + T(eps);
      } else {
        avg = std::sqrt(T(sq[i])) + T(eps);
      }
      if (momentum > 0) {
        Vec& b = buffer(s, "momentum_buffer", n);
        b[i] = T(T(b[i]) * T(momentum) + g / avg);
        p[i] = T(T(p[i]) - T(lr) * T(b[i]));
      } else {
        p[i] = T(T(p[i]) - T(lr) * (g / avg));
      }
    }
  } else if (name == "adagrad") {
    const double eps = opt_double(o, "eps");
    const double clr = lr / (1 + (t - 1) * opt_double(o, "lr_decay"));
    Vec& sum = buffer(s, "sum", n, opt_double(o, "initial_accumulator_value"));
    for (std::size_t i = 0; i < n; ++i) {
      const T g = g_of(i);
      sum[i] = T(T(sum[i]) + g * g);
      p[i] = T(T(p[i]) - T(clr) * (g / (std::sqrt(T(sum[i])) + T(eps))));
    }
  } else if (name == "adadelta") {
    const double rho = opt_double(o, "rho"), eps = opt_double(o, "eps");
    Vec& sq = buffer(s, "square_avg", n);
    Vec& acc = buffer(s, "acc_delta", n);
    for (std::size_t i = 0; i < n; ++i) {
      const T g = g_of(i);
      sq[i] = T(T(sq[i]) * T(rho) + T(1 - rho) * g * g);
      const T delta = std::sqrt(T(acc[i]) + T(eps)) / std::sqrt(T(sq[i]) + T(eps)) * g;
      acc[i] = T(T(acc[i]) * T(rho) + T(1 - rho) * delta * delta);
      p[i] = T(T(p[i]) - T(lr) * delta);
    }
  } else {
    // The Adam family.
    const auto [b1, b2] = o.at("betas").as_pair("betas");
    const double eps = opt_double(o, "eps");
    const double bc1 = 1 - std::pow(b1, t), bc2 = 1 - std::pow(b2, t);
    Vec& m = buffer(s, "exp_avg", n);
    if (name == "adamax") {
      Vec& u = buffer(s, "exp_inf", n);
      for (std::size_t i = 0; i < n; ++i) {
        const T g = g_of(i);
        m[i] = T(T(m[i]) * T(b1) + T(1 - b1) * g);
        u[i] = std::max(T(T(u[i]) * T(b2)), T(std::abs(g) + T(eps)));
        p[i] = T(T(p[i]) - T(lr / bc1) * (T(m[i]) / T(u[i])));
      }
      return;
    }
    Vec& v = buffer(s, "exp_avg_sq", n);
    // NAdam's momentum schedule (1.13 counts μₜ twice in the next product: see nadam.hpp).
    double mu = 0, mu_next = 0, mu_product_next = 0;
    if (name == "nadam") {
      const double md = opt_double(o, "momentum_decay");
      mu = b1 * (1 - 0.5 * std::pow(0.96, t * md));
      mu_next = b1 * (1 - 0.5 * std::pow(0.96, (t + 1) * md));
      s.mu_product *= mu;
      mu_product_next = s.mu_product * mu * mu_next;
    }
    // RAdam's rectification.
    const double rho_inf = 2 / (1 - b2) - 1;
    const double rho_t = rho_inf - 2 * t * std::pow(b2, t) / bc2;
    for (std::size_t i = 0; i < n; ++i) {
      const T g = g_of(i);
      m[i] = T(T(m[i]) * T(b1) + T(1 - b1) * g);
      v[i] = T(T(v[i]) * T(b2) + T(1 - b2) * g * g);
      if (name == "adam") {
        T second = T(v[i]);
        if (opt_bool(o, "amsgrad")) {
          Vec& vmax = buffer(s, "max_exp_avg_sq", n);
          vmax[i] = std::max(T(vmax[i]), T(v[i]));
          second = T(vmax[i]);
        }
        const T denom = std::sqrt(second) / T(std::sqrt(bc2)) + T(eps);
        p[i] = T(T(p[i]) - T(lr / bc1) * (T(m[i]) / denom));
      } else if (name == "nadam") {
        const T denom = std::sqrt(T(v[i]) / T(bc2)) + T(eps);
        p[i] = T(T(p[i]) - T(lr * (1 - mu) / (1 - s.mu_product)) * (g / denom));
        p[i] = T(T(p[i]) - T(lr * mu_next / (1 - mu_product_next)) * (T(m[i]) / denom));
      } else if (name == "radam") {
        const T m_hat = T(m[i]) / T(bc1);
        if (rho_t > 5) {
          const double r = std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                     ((rho_inf - 4) * (rho_inf - 2) * rho_t));
          p[i] = T(T(p[i]) -
                   m_hat * T(lr) * (T(std::sqrt(bc2)) / (std::sqrt(T(v[i])) + T(eps))) * T(r));
        } else {
          p[i] = T(T(p[i]) - m_hat * T(lr));
        }
      } else {
        FAIL() << "no plain implementation of " << name;
      }
    }
  }
}

/// |got − want| <= tol·max(1, |want|) elementwise: parameters are O(1), and an update that
/// nearly cancels a parameter leaves an absolute error of the parameter's own size.
::testing::AssertionResult Close(const Vec& got, const Vec& want, double tol) {
  if (got.size() != want.size()) {
    return ::testing::AssertionFailure() << "size " << got.size() << " != " << want.size();
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::abs(got[i] - want[i]) <= tol * std::max(1.0, std::abs(want[i])))) {
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << got[i] << ", want " << want[i];
    }
  }
  return ::testing::AssertionSuccess();
}

/// A named run: an optimizer, one option map per parameter group, a dtype.
struct Case {
  std::string label;
  std::string name;
  std::vector<optim::OptionMap> groups;
  xg::DType dtype;
};

/// What a failure prints for GetParam().
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.label << (c.dtype == xg::kFloat64 ? " float64" : " float32");
}

std::string case_label(const ::testing::TestParamInfo<Case>& info) {
  return info.param.label + (info.param.dtype == xg::kFloat64 ? "_f64" : "_f32");
}

class FusedUpdate : public ::testing::TestWithParam<Case> {};

/// 12 steps of random gradients through the optimizer and through plain_step, side by side;
/// every parameter compared after every step. Sizes: a few elements, a matrix, and one past
/// the parallel grain (split over threads).
TEST_P(FusedUpdate, MatchesPlainFormula) {
  const Case& c = GetParam();
  const bool f64 = c.dtype == xg::kFloat64;
  const std::vector<xg::Shape> shapes{{3}, {17, 5}, {20000}};
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  auto random_values = [&](std::size_t n) {
    Vec v(n);
    for (auto& x : v) x = f64 ? normal(rng) : static_cast<float>(normal(rng));
    return v;
  };
  // Each group gets every shape; group options overrides on the optimizer's defaults.
  std::vector<optim::ParamGroup> groups;
  std::vector<xg::Tensor> params;
  std::vector<Vec> plain;
  std::vector<std::size_t> group_of;
  for (std::size_t gi = 0; gi < c.groups.size(); ++gi) {
    std::vector<xg::Tensor> group_params;
    for (const auto& shape : shapes) {
      std::size_t n = 1;
      for (auto d : shape) n *= static_cast<std::size_t>(d);
      Vec init = random_values(n);
      auto p = xg::tensor(init, shape, c.dtype).requires_grad_();
      group_params.push_back(p);
      params.push_back(p);
      plain.push_back(init);
      group_of.push_back(gi);
    }
    groups.emplace_back(group_params, c.groups[gi]);
  }
  // SGD has no default lr, so its defaults name one (every group sets its own anyway).
  const optim::OptionMap defaults =
      c.name == "sgd" ? optim::OptionMap{{"lr", 0.01}} : optim::OptionMap{};
  auto opt = optim::make(c.name, groups, defaults);
  std::vector<PlainState> states(params.size());
  const double tol = f64 ? 1e-12 : 1e-5;
  for (int64_t step = 1; step <= 12; ++step) {
    std::vector<Vec> grads;
    for (auto& p : params) {
      grads.push_back(random_values(static_cast<std::size_t>(p.numel())));
      p.set_grad(xg::tensor(grads.back(), p.shape(), c.dtype));
    }
    opt->step();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto options = opt->param_groups()[group_of[i]].options().to_map();
      if (f64) {
        plain_step<double>(c.name, options, step, plain[i], grads[i], states[i]);
      } else {
        plain_step<float>(c.name, options, step, plain[i], grads[i], states[i]);
      }
      ASSERT_TRUE(Close(values(params[i]), plain[i], tol))
          << "parameter " << i << " (group " << group_of[i] << ") after step " << step;
    }
  }
}

/// Every combination of the flags an optimizer specialises on, in one group, plus one run
/// with two groups of different options (PyTorch's foreach path updates a group's tensors
/// together; here each group must keep its own options).
std::vector<Case> cases() {
  std::vector<Case> out;
  auto add = [&](const std::string& label, const std::string& name,
                 std::vector<optim::OptionMap> groups) {
    for (auto dtype : {xg::kFloat32, xg::kFloat64}) out.push_back({label, name, groups, dtype});
  };
  for (bool wd : {false, true}) {
    for (bool max : {false, true}) {
      const std::string tag = std::string(wd ? "_wd" : "") + (max ? "_max" : "");
      optim::OptionMap base{{"lr", 0.01}};
      if (wd) base.emplace("weight_decay", 0.1);
      if (max) base.emplace("maximize", true);
      for (bool centered : {false, true}) {
        for (bool momentum : {false, true}) {
          auto o = base;
          o.emplace("centered", centered);
          if (momentum) o.emplace("momentum", 0.5);
          add("rmsprop" + tag + (centered ? "_centered" : "") + (momentum ? "_momentum" : ""),
              "rmsprop", {o});
        }
      }
      for (bool amsgrad : {false, true}) {
        auto o = base;
        o.emplace("amsgrad", amsgrad);
        add("adam" + tag + (amsgrad ? "_amsgrad" : ""), "adam", {o});
      }
      for (int mode = 0; mode < 4; ++mode) {  // no momentum; momentum; dampening; Nesterov
        auto o = base;
        if (mode > 0) o.emplace("momentum", 0.9);
        if (mode == 2) o.emplace("dampening", 0.3);
        if (mode == 3) o.emplace("nesterov", true);
        const char* labels[] = {"", "_momentum", "_dampening", "_nesterov"};
        add("sgd" + tag + labels[mode], "sgd", {o});
      }
      auto adagrad = base;
      adagrad.emplace("lr_decay", 0.01);
      adagrad.emplace("initial_accumulator_value", 0.1);
      add("adagrad" + tag, "adagrad", {adagrad});
      add("adadelta" + tag, "adadelta", {base});
      add("adamax" + tag, "adamax", {base});
      if (!max) {  // NAdam and RAdam have no maximize in PyTorch 1.13
        add("nadam" + tag, "nadam", {base});
        add("radam" + tag, "radam", {base});  // 12 steps: both sides of ρₜ > 5
      }
    }
  }
  const optim::OptionMap plain_group{{"lr", 0.02}};
  const optim::OptionMap decayed_group{{"lr", 0.005}, {"weight_decay", 0.05}};
  auto maximizing = decayed_group;
  maximizing.emplace("maximize", true);
  for (const char* name : {"sgd", "rmsprop", "adagrad", "adadelta", "adamax", "adam"}) {
    add(std::string(name) + "_two_groups", name, {plain_group, maximizing});
  }
  for (const char* name : {"nadam", "radam"}) {
    add(std::string(name) + "_two_groups", name, {plain_group, decayed_group});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Combinations, FusedUpdate, ::testing::ValuesIn(cases()), case_label);

// The fused loops split large tensors over threads: the result does not depend on how many.
TEST(FusedUpdate, SameResultForAnyThreadCount) {
  const int saved = xg::get_num_threads();
  std::vector<std::vector<double>> results;
  for (int threads : {1, 2}) {
    xg::set_num_threads(threads);
    xg::manual_seed(3);
    auto p = xg::randn({50000}).requires_grad_();
    auto opt = optim::make("rmsprop", {p}, {{"lr", 0.01}, {"momentum", 0.5}, {"centered", true}});
    for (int step = 0; step < 3; ++step) {
      p.set_grad(xg::randn({50000}));
      opt->step();
    }
    results.push_back(values(p));
  }
  xg::set_num_threads(saved);
  EXPECT_EQ(results[0], results[1]);
}

}  // namespace
}  // namespace xgtest
