// Failure paths of the optimizer driver and LBFGS (a step that fails changes nothing, and the
// next one works), dtype changes under existing state, unsaveable options, and `maximize`.
#include <stdexcept>

#include <xgrad/core/tensor_impl.hpp>
#include <xgrad/nn/linear.hpp>

#include "optim/optimizer_test_util.hpp"

namespace xgtest {
namespace {

using optim::OptionMap;

xg::Tensor leaf(const std::vector<double>& v, xg::DType dtype = xg::kFloat64) {
  return xg::tensor(v, {static_cast<int64_t>(v.size())}, dtype).requires_grad_();
}

struct Thrown : std::runtime_error {
  Thrown() : std::runtime_error("closure failed") {}
};

/// A Rosenbrock closure over `xy` that throws on its `throw_on`-th call (1-based; 0: never).
struct RosenbrockClosure {
  optim::Optimizer* opt;
  xg::Tensor xy;
  int throw_on = 0;
  int calls = 0;
  xg::Tensor operator()() {
    if (++calls == throw_on) throw Thrown();
    opt->zero_grad();
    auto loss = rosenbrock(xy);
    loss.backward();
    return loss;
  }
};

/// The optimizer's whole state, as comparable data.
struct Snapshot {
  std::map<std::string, std::vector<double>> tensors;
  xg::Metadata metadata;
  bool operator==(const Snapshot& o) const {
    return tensors == o.tensors && metadata == o.metadata;
  }
};
Snapshot snapshot(const optim::Optimizer& opt) {
  auto sd = opt.state_dict();
  Snapshot s;
  for (const auto& [name, t] : sd.tensors) s.tensors[name] = t.to_vector();
  s.metadata = sd.metadata;
  return s;
}

// ---- LBFGS: a closure that throws mid-step -----------------------------------------------------

struct LbfgsThrowCase {
  std::string line_search;
  int warmup_steps;  // steps before the failing one (0: the state does not exist yet)
  int throw_on;      // the closure call (within the failing step) that throws
};
void PrintTo(const LbfgsThrowCase& c, std::ostream* os) {
  *os << "ls=" << c.line_search << " warmup=" << c.warmup_steps << " throw_on=" << c.throw_on;
}

class LbfgsClosureThrows : public ::testing::TestWithParam<LbfgsThrowCase> {};

TEST_P(LbfgsClosureThrows, StepChangesNothingAndTheNextStepMatchesARunThatNeverThrew) {
  const auto& c = GetParam();
  const auto options = optim::LBFGSOptions(0.5).max_iter(5).line_search_fn(c.line_search);
  auto run = [&](bool with_failure) {
    auto xy = leaf({-1.5, 2.0});
    optim::LBFGS opt({xy}, options);
    RosenbrockClosure closure{&opt, xy};
    auto call = [&] { return closure(); };
    for (int i = 0; i < c.warmup_steps; ++i) opt.step(call);
    if (with_failure) {
      const auto before_params = values(xy);
      const auto before_state = snapshot(opt);
      const bool had_state = opt.state(xy) != nullptr;
      closure.calls = 0;
      closure.throw_on = c.throw_on;
      EXPECT_THROW(opt.step(call), Thrown);
      EXPECT_EQ(closure.calls, c.throw_on);  // the failure happened where intended
      EXPECT_EQ(values(xy), before_params);  // bitwise: the parameters are back
      EXPECT_EQ(opt.state(xy) != nullptr, had_state);
      EXPECT_TRUE(snapshot(opt) == before_state);
      closure.throw_on = 0;
    }
    for (int i = 0; i < 3; ++i) opt.step(call);
    return std::make_pair(values(xy), snapshot(opt));
  };
  const auto clean = run(false);
  const auto recovered = run(true);
  EXPECT_EQ(recovered.first, clean.first);
  EXPECT_TRUE(recovered.second == clean.second);
}

INSTANTIATE_TEST_SUITE_P(Cases, LbfgsClosureThrows,
                         ::testing::Values(LbfgsThrowCase{"", 0, 2}, LbfgsThrowCase{"", 0, 4},
                                           LbfgsThrowCase{"", 2, 1}, LbfgsThrowCase{"", 2, 3},
                                           LbfgsThrowCase{"strong_wolfe", 0, 2},
                                           LbfgsThrowCase{"strong_wolfe", 0, 4},
                                           LbfgsThrowCase{"strong_wolfe", 2, 2},
                                           LbfgsThrowCase{"strong_wolfe", 2, 5}));

TEST(LbfgsClosureThrows, AnXgradErrorFromTheClosurePropagatesUnchanged) {
  auto xy = leaf({-1.5, 2.0});
  optim::LBFGS opt({xy}, optim::LBFGSOptions(0.5).max_iter(5));
  int calls = 0;
  opt.step([&] {
    opt.zero_grad();
    auto l = rosenbrock(xy);
    l.backward();
    return l;
  });
  const auto before = values(xy);
  auto msg = message_of<xg::ValueError>([&] {
    opt.step([&] {
      if (++calls == 2) return xg::Tensor();  // not a loss: LBFGS throws ValueError
      opt.zero_grad();
      auto l = rosenbrock(xy);
      l.backward();
      return l;
    });
  });
  EXPECT_TRUE(Contains(msg, "must return the loss"));
  EXPECT_EQ(values(xy), before);
  EXPECT_NO_THROW(opt.step([&] {
    opt.zero_grad();
    auto l = rosenbrock(xy);
    l.backward();
    return l;
  }));
}

// ---- LBFGS: history_size lowered after the history exists --------------------------------------

TEST(LbfgsHistory, LoweringHistorySizeTrimsTheHistory) {
  auto xy = leaf({-1.5, 2.0});
  optim::LBFGS opt({xy}, optim::LBFGSOptions(0.5).max_iter(8).history_size(10));
  RosenbrockClosure closure{&opt, xy};
  auto call = [&] { return closure(); };
  opt.step(call);
  ASSERT_GE(opt.state(xy)->scalars.at("history"), 4.0);
  opt.param_groups()[0].options().apply({{"history_size", int64_t{2}}});
  for (int i = 0; i < 3; ++i) {
    opt.step(call);  // under ASan, a history longer than history_size overflowed here
    EXPECT_LE(opt.state(xy)->scalars.at("history"), 2.0);
    EXPECT_EQ(opt.state(xy)->buffers.count("old_dirs.2"), 0u);
  }
  // the trimmed state is one load_state_dict accepts
  auto other_xy = leaf({0.0, 0.0});
  optim::LBFGS other({other_xy}, optim::LBFGSOptions(0.5).max_iter(8).history_size(2));
  EXPECT_NO_THROW(other.load_state_dict(opt.state_dict()));
  EXPECT_TRUE(std::isfinite(values(xy)[0]) && std::isfinite(values(xy)[1]));
}

// ---- dtype changed under existing state --------------------------------------------------------

TEST(OptimizerDtype, StepAfterModuleToFloat64IsADTypeErrorThatChangesNothing) {
  xg::nn::Linear net(3, 2);  // weight (parameter 0), bias (parameter 1), float32
  auto params = net.parameters();
  ASSERT_EQ(params.size(), 2u);
  auto& weight = params[0];
  auto& bias = params[1];
  optim::Adam opt(params, optim::AdamOptions(0.1));
  bias.set_grad(xg::ones({2}));  // only the bias has state
  opt.step();
  ASSERT_EQ(opt.state(weight), nullptr);
  ASSERT_EQ(opt.state(bias)->buffers.at("exp_avg").dtype(), xg::kFloat32);

  net.to(xg::kFloat64);  // converts the parameters in place: same tensors, new dtype
  ASSERT_EQ(bias.dtype(), xg::kFloat64);
  weight.set_grad(xg::ones({2, 3}, xg::kFloat64));
  bias.set_grad(xg::ones({2}, xg::kFloat64));
  const auto weight_before = values(weight), bias_before = values(bias);
  auto msg = message_of<xg::DTypeError>([&] { opt.step(); });
  EXPECT_TRUE(Contains(msg, "Adam::step"));
  EXPECT_TRUE(Contains(msg, "parameter 1"));
  EXPECT_TRUE(Contains(msg, "float64"));
  EXPECT_TRUE(Contains(msg, "float32"));
  EXPECT_TRUE(Contains(msg, "load_state_dict"));
  // nothing changed: the weight (checked first, no state) was not updated either
  EXPECT_EQ(values(weight), weight_before);
  EXPECT_EQ(values(bias), bias_before);
  EXPECT_EQ(opt.state(weight), nullptr);
  EXPECT_EQ(opt.state(bias)->step, 1);

  // The documented way on: reload the state, which converts it to the parameters' dtype.
  opt.load_state_dict(opt.state_dict());
  EXPECT_EQ(opt.state(bias)->buffers.at("exp_avg").dtype(), xg::kFloat64);
  EXPECT_NO_THROW(opt.step());
  EXPECT_EQ(opt.state(bias)->step, 2);
  EXPECT_NE(values(weight), weight_before);
}

TEST(OptimizerDtype, AGradientOfAnotherDtypeIsADTypeError) {
  auto a = leaf({1.0, 2.0});
  auto b = leaf({3.0});
  optim::SGD opt({a, b}, 0.1);
  a.set_grad(t64({1.0, 1.0}, {2}));
  // set_grad refuses a mismatch; a parameter converted in place with its gradient kept
  // (what Module::to avoids by clearing it) is how one arises.
  b.impl()->grad = xg::tensor({1.0}, {1}, xg::kFloat32);
  auto msg = message_of<xg::DTypeError>([&] { opt.step(); });
  EXPECT_TRUE(Contains(msg, "SGD::step: parameter 1 is float64"));
  EXPECT_TRUE(Contains(msg, "gradient is float32"));
  EXPECT_TRUE(ValuesEqual(a, {1.0, 2.0}));
  b.impl()->grad = t64({1.0, 1.0}, {2});
  EXPECT_THROW(opt.step(), xg::ShapeError);
  EXPECT_TRUE(ValuesEqual(a, {1.0, 2.0}));
}

// ---- state_dict with an option that is not UTF-8 -----------------------------------------------

struct TaggedOptions : optim::OptionsBase<TaggedOptions> {
  static constexpr const char* kName = "Tagged";
  TaggedOptions(double lr = 0.1) : lr_(lr) {}
  XGRAD_ARG(double, lr);
  XGRAD_ARG(std::string, tag) = "";

 public:
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("lr", s.lr_);
    f("tag", s.tag_);
  }
};
class Tagged : public optim::BasicOptimizer<Tagged, TaggedOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;
  static void validate(const TaggedOptions&) {}
  static std::vector<std::string> state_buffers(const TaggedOptions&) { return {}; }
  void update_param(const xg::Tensor&, const xg::Tensor&, optim::ParamState&,
                    const TaggedOptions&) {}
};

TEST(OptimizerStateDict, ANonUtf8StringOptionIsAValueErrorNamingTheKey) {
  auto w = leaf({1.0});
  Tagged opt({w}, TaggedOptions().tag("caf\xe9"));  // Latin-1, not UTF-8
  auto msg = message_of<xg::ValueError>([&] { opt.state_dict(); });
  EXPECT_TRUE(Contains(msg, "Tagged::state_dict"));
  EXPECT_TRUE(Contains(msg, "'tag'"));
  EXPECT_TRUE(Contains(msg, "UTF-8"));
  opt.param_groups()[0].options().apply({{"tag", "caf\xc3\xa9"}});
  EXPECT_NO_THROW(opt.state_dict());
}

// ---- maximize ----------------------------------------------------------------------------------

/// f(θ) = Σ −θ⁴/4 + θ³/3 + θ, bounded above: its gradient changes sign and size from step to
/// step, and maximizing it converges.
xg::Tensor objective(const xg::Tensor& p) {
  return (p * p * p * p).sum() * -0.25 + (p * p * p).sum() * (1.0 / 3) + p.sum();
}

struct MaximizeCase {
  std::string name;
  OptionMap options;
};
void PrintTo(const MaximizeCase& c, std::ostream* os) {
  *os << c.name << " " << optim::to_string(c.options);
}

class Maximize : public ::testing::TestWithParam<MaximizeCase> {};

TEST_P(Maximize, MaximizingFEqualsMinimizingMinusFBitwise) {
  const auto& c = GetParam();
  auto up = leaf({0.5, -1.0, 0.2});
  auto down = leaf({0.5, -1.0, 0.2});
  OptionMap maximizing = c.options;
  maximizing["maximize"] = true;
  auto opt_up = optim::make(c.name, {up}, maximizing);
  auto opt_down = optim::make(c.name, {down}, c.options);
  EXPECT_EQ(opt_up->defaults().to_map().at("maximize"), optim::OptionValue(true));
  EXPECT_EQ(opt_down->defaults().to_map().at("maximize"), optim::OptionValue(false));
  for (int s = 0; s < 15; ++s) {
    opt_up->zero_grad();
    objective(up).backward();
    opt_up->step();
    opt_down->zero_grad();
    (-objective(down)).backward();
    opt_down->step();
    ASSERT_EQ(values(up), values(down)) << "step " << s;
  }
  for (double v : values(up)) EXPECT_TRUE(std::isfinite(v));
  EXPECT_NE(values(up), (std::vector<double>{0.5, -1.0, 0.2}));
  // and maximize really changes the direction: minimizing f goes elsewhere
  auto plain = leaf({0.5, -1.0, 0.2});
  auto opt_plain = optim::make(c.name, {plain}, c.options);
  opt_plain->zero_grad();
  objective(plain).backward();
  opt_plain->step();
  auto once = leaf({0.5, -1.0, 0.2});
  auto opt_once = optim::make(c.name, {once}, maximizing);
  opt_once->zero_grad();
  objective(once).backward();
  opt_once->step();
  EXPECT_NE(values(plain), values(once));
}

INSTANTIATE_TEST_SUITE_P(
    PyTorch113, Maximize,
    ::testing::Values(
        MaximizeCase{"sgd", {{"lr", 0.05}}},
        MaximizeCase{"sgd", {{"lr", 0.05}, {"momentum", 0.9}, {"weight_decay", 0.1}}},
        MaximizeCase{"sgd",
                     {{"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true}, {"weight_decay", 0.1}}},
        MaximizeCase{"adam", {{"lr", 0.05}, {"weight_decay", 0.1}}},
        MaximizeCase{"adam", {{"lr", 0.05}, {"amsgrad", true}}},
        MaximizeCase{"adamw", {{"lr", 0.05}, {"weight_decay", 0.1}, {"amsgrad", true}}},
        MaximizeCase{"rmsprop", {{"lr", 0.01}, {"weight_decay", 0.1}}},
        MaximizeCase{"rmsprop", {{"lr", 0.01}, {"momentum", 0.9}, {"centered", true}}},
        MaximizeCase{"adagrad", {{"lr", 0.05}, {"weight_decay", 0.1}, {"lr_decay", 0.01}}},
        MaximizeCase{"adadelta", {{"lr", 1.0}, {"weight_decay", 0.1}}},
        MaximizeCase{"adamax", {{"lr", 0.05}, {"weight_decay", 0.1}}}),
    [](const ::testing::TestParamInfo<MaximizeCase>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

TEST(Maximize, OnlyWherePyTorch113HasIt) {
  auto w = leaf({1.0});
  for (const char* name : {"nadam", "radam", "lbfgs"}) {
    auto msg = message_of<xg::ValueError>([&] { optim::make(name, {w}, {{"maximize", true}}); });
    EXPECT_TRUE(Contains(msg, "unknown option 'maximize'")) << name;
  }
}

}  // namespace
}  // namespace xgtest
