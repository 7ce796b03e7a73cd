// The optimizer API: options (typed and by name), validation messages, the registry,
// parameter groups, zero_grad, the step contract, float32.
#include "optim/optimizer_test_util.hpp"

namespace xgtest {
namespace {

using optim::OptionMap;
using optim::OptionValue;
using optim::ParamGroup;

xg::Tensor leaf(const std::vector<double>& v, xg::DType dtype = xg::kFloat64) {
  return xg::tensor(v, {static_cast<int64_t>(v.size())}, dtype).requires_grad_();
}

// ---- OptionValue ---------------------------------------------------------------------------

TEST(OptionValue, HoldsEachKindAndNamesTheKeyAndTypeOnMisuse) {
  OptionMap m = {{"lr", 1e-3},    {"betas", {0.9, 0.99}}, {"nesterov", true},
                 {"mode", "min"}, {"max_iter", 20},       {"milestones", {20, 50}}};
  EXPECT_EQ(m.at("lr").as_double("lr"), 1e-3);
  EXPECT_EQ(m.at("betas").as_pair("betas"), std::make_pair(0.9, 0.99));
  EXPECT_TRUE(m.at("nesterov").as_bool("nesterov"));
  EXPECT_EQ(m.at("mode").as_string("mode"), "min");
  EXPECT_EQ(m.at("max_iter").as_int("max_iter"), 20);
  EXPECT_EQ(m.at("max_iter").as_double("max_iter"), 20.0);  // ints are numbers too
  EXPECT_EQ(m.at("milestones").as_list("milestones"), (std::vector<double>{20, 50}));
  EXPECT_EQ(OptionValue(10.0).as_int("k"), 10);  // a whole double is an integer
  EXPECT_STREQ(m.at("betas").type_name(), "list");
  EXPECT_STREQ(m.at("mode").type_name(), "string");

  auto msg = message_of<xg::ValueError>([&] { m.at("nesterov").as_double("nesterov"); });
  EXPECT_TRUE(Contains(msg, "'nesterov'"));
  EXPECT_TRUE(Contains(msg, "bool"));
  msg = message_of<xg::ValueError>([&] { m.at("lr").as_pair("betas"); });
  EXPECT_TRUE(Contains(msg, "'betas'"));
  EXPECT_TRUE(Contains(msg, "double 0.001"));
  msg = message_of<xg::ValueError>([&] { OptionValue(2.5).as_int("max_iter"); });
  EXPECT_TRUE(Contains(msg, "an integer"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         OptionValue({1, 2, 3}).as_pair("b");
                       }),
                       "a pair"));
  EXPECT_EQ(optim::to_string({{"lr", 0.1}, {"betas", {0.9, 0.99}}}),
            "{betas: [0.9, 0.99], lr: 0.1}");
}

TEST(OptionValue, UnknownKeysListTheValidOnes) {
  auto msg = message_of<xg::ValueError>([] {
    optim::check_option_keys({{"lr", 1.0}, {"gama", 2.0}}, {"lr", "gamma"}, "StepLR");
  });
  EXPECT_EQ(msg, "StepLR: unknown option 'gama'; valid options: lr, gamma");
  EXPECT_NO_THROW(optim::check_option_keys({{"lr", 1.0}}, {"lr", "gamma"}, "StepLR"));
}

// ---- typed options -------------------------------------------------------------------------

TEST(OptimizerOptions, ChainAndRoundTripThroughMaps) {
  auto o = optim::AdamOptions(1e-3).betas({0.9, 0.99}).weight_decay(1e-2).amsgrad(true);
  EXPECT_EQ(o.lr(), 1e-3);
  EXPECT_EQ(o.betas(), std::make_pair(0.9, 0.99));
  EXPECT_EQ(o.eps(), 1e-8);  // default at the declaration
  EXPECT_TRUE(o.amsgrad());
  auto m = o.to_map();
  EXPECT_EQ(m.at("weight_decay"), OptionValue(1e-2));
  EXPECT_EQ(o.option_names(), (std::vector<std::string>{"lr", "betas", "eps", "weight_decay",
                                                        "amsgrad", "maximize"}));
  auto copy = optim::AdamOptions::from_map(m);
  EXPECT_EQ(copy.to_map(), m);
  // set_lr / get_lr through the base, as schedulers use them
  optim::OptimizerOptions& base = copy;
  base.set_lr(0.5);
  EXPECT_EQ(copy.lr(), 0.5);
  EXPECT_EQ(base.clone()->get_lr(), 0.5);
}

TEST(OptimizerOptions, ApplyIsAllOrNothing) {
  optim::SGDOptions o(0.1);
  EXPECT_THROW(o.apply({{"momentum", 0.9}, {"nesterov", 1.0}}), xg::ValueError);
  EXPECT_EQ(o.momentum(), 0.0);  // unchanged although momentum came first
  EXPECT_EQ(optim::LBFGSOptions().max_iter(5).to_map().at("max_iter"), OptionValue(int64_t{5}));
}

struct BadOptions {
  std::string name;
  OptionMap options;
  std::vector<std::string> parts;  // the message names the optimizer, field and value
};

class OptionValidation : public ::testing::TestWithParam<BadOptions> {};

TEST_P(OptionValidation, NamesOptimizerFieldAndValue) {
  const auto& c = GetParam();
  auto w = leaf({1.0, 2.0});
  auto msg = message_of<xg::ValueError>([&] { optim::make(c.name, {w}, c.options); });
  for (const auto& part : c.parts) EXPECT_TRUE(Contains(msg, part));
}

INSTANTIATE_TEST_SUITE_P(
    AllOptimizers, OptionValidation,
    ::testing::Values(
        BadOptions{"sgd", {{"lr", -0.1}}, {"SGD", "lr", "-0.1", ">= 0"}},
        BadOptions{"sgd", {{"lr", 0.1}, {"momentum", -1}}, {"SGD", "momentum", "-1"}},
        BadOptions{"sgd", {{"lr", 0.1}, {"nesterov", true}}, {"SGD", "nesterov", "momentum 0"}},
        BadOptions{"sgd",
                   {{"lr", 0.1}, {"nesterov", true}, {"momentum", 0.9}, {"dampening", 0.1}},
                   {"SGD", "nesterov", "dampening 0.1"}},
        BadOptions{"sgd", {{"lr", 0.1}, {"weight_decay", -1e-4}}, {"SGD", "weight_decay"}},
        BadOptions{"sgd", {{"momentum", 0.9}}, {"SGD", "'lr' is required"}},
        BadOptions{"adam", {{"lr", -1.0}}, {"Adam", "lr", "-1"}},
        BadOptions{"adam", {{"betas", {1.0, 0.999}}}, {"Adam", "beta1", "1", "[0, 1)"}},
        BadOptions{"adam", {{"betas", {0.9, -0.1}}}, {"Adam", "beta2", "-0.1"}},
        BadOptions{"adam", {{"eps", 0.0}}, {"Adam", "eps", "0", "> 0"}},
        BadOptions{"adamw", {{"weight_decay", -1.0}}, {"AdamW", "weight_decay", "-1"}},
        BadOptions{"rmsprop", {{"alpha", 1.5}}, {"RMSprop", "alpha", "1.5"}},
        BadOptions{"rmsprop", {{"momentum", -0.5}}, {"RMSprop", "momentum", "-0.5"}},
        BadOptions{"adagrad", {{"lr_decay", -1.0}}, {"Adagrad", "lr_decay", "-1"}},
        BadOptions{"adagrad",
                   {{"initial_accumulator_value", -1.0}},
                   {"Adagrad", "initial_accumulator_value"}},
        BadOptions{"adadelta", {{"rho", 1.1}}, {"Adadelta", "rho", "1.1"}},
        BadOptions{"nadam", {{"momentum_decay", -1.0}}, {"NAdam", "momentum_decay", "-1"}},
        BadOptions{"radam", {{"betas", {0.9, 1.0}}}, {"RAdam", "beta2", "1"}},
        BadOptions{"adamax", {{"eps", -1e-8}}, {"Adamax", "eps", "-1e-08"}},
        BadOptions{"lbfgs", {{"history_size", 0}}, {"LBFGS", "history_size", "0"}},
        BadOptions{"lbfgs", {{"max_iter", 0}}, {"LBFGS", "max_iter"}},
        BadOptions{"lbfgs", {{"line_search_fn", "armijo"}}, {"LBFGS", "line_search_fn", "armijo"}}),
    [](const ::testing::TestParamInfo<BadOptions>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

TEST(OptionValidation, TypedConstructionValidatesToo) {
  auto w = leaf({1.0});
  auto msg = message_of<xg::ValueError>([&] {
    optim::Adam({w}, optim::AdamOptions(1e-3).betas({0.9, 1.5}));
  });
  EXPECT_TRUE(Contains(msg, "Adam: invalid beta2 (betas[1]) 1.5: it must be in [0, 1)"));
  EXPECT_THROW(optim::SGD({w}, optim::SGDOptions(0.1).nesterov(true)), xg::ValueError);
  // a group's own options are validated when the group is added
  optim::SGD sgd({w}, 0.1);
  auto b = leaf({1.0});
  EXPECT_THROW(sgd.add_param_group(ParamGroup({b}, optim::SGDOptions(-1.0))), xg::ValueError);
  EXPECT_THROW(sgd.add_param_group(ParamGroup({b}, optim::AdamOptions())), xg::ValueError);
  EXPECT_EQ(sgd.param_groups().size(), 1u);
}

// ---- registry ------------------------------------------------------------------------------

TEST(OptimizerRegistry, BuiltInsAreRegistered) {
  auto names = optim::optimizer_names();
  for (const char* n : {"sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "nadam", "radam",
                        "adamax", "lbfgs"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
  auto w = leaf({1.0});
  EXPECT_EQ(optim::make("adamw", {w})->name(), "AdamW");
  EXPECT_EQ(optim::make("adamw", {w})->defaults().to_map().at("weight_decay"), OptionValue(1e-2));
}

TEST(OptimizerRegistry, UnknownNameListsTheRegisteredOnes) {
  auto w = leaf({1.0});
  auto msg = message_of<xg::ValueError>([&] { optim::make("adamm", {w}, {{"lr", 0.1}}); });
  EXPECT_TRUE(Contains(msg, "no optimizer named 'adamm'"));
  EXPECT_TRUE(Contains(msg, "adadelta, adagrad, adam, adamax, adamw"));
  EXPECT_TRUE(Contains(msg, "sgd"));
}

TEST(OptimizerRegistry, UnknownOrIllTypedOptionsListTheValidKeys) {
  auto w = leaf({1.0});
  auto msg = message_of<xg::ValueError>([&] {
    optim::make("adam", {w}, {{"learning_rate", 0.1}});
  });
  EXPECT_EQ(msg,
            "Adam: unknown option 'learning_rate'; valid options: lr, betas, eps, weight_decay, "
            "amsgrad, maximize");
  msg = message_of<xg::ValueError>([&] { optim::make("adam", {w}, {{"betas", 0.9}}); });
  EXPECT_TRUE(Contains(msg, "Adam: option 'betas': expected a pair"));
  EXPECT_TRUE(Contains(msg, "got double 0.9"));
  EXPECT_TRUE(Contains(msg, "valid options: lr, betas"));
  msg = message_of<xg::ValueError>([&] {
    optim::make("sgd", {w}, {{"lr", 0.1}, {"nesterov", "yes"}});
  });
  EXPECT_TRUE(Contains(msg, "SGD: option 'nesterov': expected a bool, got string \"yes\""));
  msg = message_of<xg::ValueError>([&] { optim::make("sgd", {w}, {{"lr", 0.1}, {"beta", 0.1}}); });
  EXPECT_TRUE(Contains(msg, "valid options: lr, momentum, dampening, weight_decay, nesterov"));
  msg = message_of<xg::ValueError>([&] { optim::make("lbfgs", {w}, {{"max_iter", 2.5}}); });
  EXPECT_TRUE(Contains(msg, "LBFGS: option 'max_iter': expected an integer"));
}

// A user optimizer, registered in one line: plain gradient descent with a fixed step sign.
struct SignOptions : optim::OptionsBase<SignOptions> {
  static constexpr const char* kName = "SignSGD";
  SignOptions(double lr = 0.1) : lr_(lr) {}
  XGRAD_ARG(double, lr);

 public:
  template <class Self, class F>
  static void fields(Self& s, F&& f) {
    f("lr", s.lr_);
  }
};
class SignSGD : public optim::BasicOptimizer<SignSGD, SignOptions> {
 public:
  using BasicOptimizer::BasicOptimizer;
  static void validate(const SignOptions& o) {
    optim::check_option(o.lr() > 0, SignOptions::kName, "lr", o.lr(), "> 0");
  }
  static std::vector<std::string> state_buffers(const SignOptions&) { return {}; }
  void update_param(const xg::Tensor& p, const xg::Tensor& g, optim::ParamState&,
                    const SignOptions& o) {
    auto* data = p.data_ptr<double>();
    const auto* grad = g.data_ptr<double>();
    for (int64_t i = 0; i < p.numel(); ++i) data[i] -= o.lr() * ((grad[i] > 0) - (grad[i] < 0));
  }
};
XGRAD_REGISTER_OPTIMIZER("test_signsgd", SignSGD);

TEST(OptimizerRegistry, UserOptimizersRegisterInOneLine) {
  auto w = leaf({1.0, -2.0, 0.0});
  auto opt = optim::make("test_signsgd", {w}, {{"lr", 0.5}});
  w.set_grad(t64({3.0, -0.1, 0.0}, {3}));
  opt->step();
  EXPECT_TRUE(ValuesEqual(w, {0.5, -1.5, 0.0}));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] {
                         optim::make("test_signsgd", {w}, {{"lr", 0.0}});
                       }),
                       "SignSGD: invalid lr 0"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         optim::register_optimizer("test_signsgd", optim::factory_of<SignSGD>());
                       }),
                       "already registered"));
  EXPECT_THROW(optim::register_optimizer("x_empty", nullptr), xg::ValueError);
}

// ---- groups --------------------------------------------------------------------------------

TEST(ParamGroups, EachGroupUsesItsOwnOptions) {
  auto a = leaf({1.0, 1.0});
  auto b = leaf({1.0});
  auto c = leaf({1.0});
  auto opt =
      optim::make("sgd", std::vector<ParamGroup>{ParamGroup({a}), ParamGroup({b}, {{"lr", 0.01}})},
                  {{"lr", 0.1}});
  opt->add_param_group(ParamGroup({c}, optim::SGDOptions(1.0)));
  ASSERT_EQ(opt->param_groups().size(), 3u);
  EXPECT_EQ(opt->param_groups()[0].options().get_lr(), 0.1);
  EXPECT_EQ(opt->param_groups()[1].options().get_lr(), 0.01);
  EXPECT_EQ(opt->param_groups()[2].options().get_lr(), 1.0);
  for (auto& p : {a, b, c}) p.set_grad(xg::ones(p.shape(), xg::kFloat64));
  opt->step();
  EXPECT_TRUE(ValuesEqual(a, {0.9, 0.9}));
  EXPECT_TRUE(ValuesEqual(b, {0.99}));
  EXPECT_TRUE(ValuesEqual(c, {0.0}));
  // a scheduler's view: changing a group's lr changes the next step
  opt->param_groups()[0].options().set_lr(0.5);
  opt->step();
  EXPECT_TRUE(ValuesEqual(a, {0.4, 0.4}));
  EXPECT_EQ(opt->parameters().size(), 3u);
}

TEST(ParamGroups, BadParametersAreRejected) {
  auto a = leaf({1.0});
  auto msg = message_of<xg::ValueError>([&] { optim::Adam({a, a}); });
  EXPECT_TRUE(Contains(msg, "Adam::add_param_group: parameter 1"));
  EXPECT_TRUE(Contains(msg, "appears twice"));
  optim::Adam adam({a});
  EXPECT_THROW(adam.add_param_group(ParamGroup({a})), xg::ValueError);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { optim::Adam({a * 2.0}); }), "not a leaf"));
  EXPECT_THROW(optim::Adam({xg::tensor(std::vector<int64_t>{1, 2}, {2})}), xg::DTypeError);
  EXPECT_THROW(optim::Adam({xg::Tensor()}), xg::ValueError);
  EXPECT_THROW(adam.add_param_group(ParamGroup(std::vector<xg::Tensor>{})), xg::ValueError);
  EXPECT_THROW(ParamGroup({a}).options(), xg::ValueError);
  EXPECT_EQ(adam.param_groups().size(), 1u);
}

// ---- step contract -------------------------------------------------------------------------

TEST(OptimizerStep, ZeroGradClearsOrZeroes) {
  auto a = leaf({1.0, 2.0});
  optim::SGD opt({a}, 0.1);
  (a * a).sum().backward();
  ASSERT_TRUE(a.grad().defined());
  opt.zero_grad(false);
  ASSERT_TRUE(a.grad().defined());
  EXPECT_TRUE(ValuesEqual(a.grad(), {0.0, 0.0}));
  opt.zero_grad();
  EXPECT_FALSE(a.grad().defined());
}

TEST(OptimizerStep, ParametersWithoutGradAreSkippedAndStateIsLazy) {
  auto a = leaf({1.0, 2.0});
  auto b = leaf({3.0});
  optim::Adam opt({a, b}, optim::AdamOptions(0.1));
  EXPECT_EQ(opt.state(a), nullptr);
  a.set_grad(t64({1.0, 1.0}, {2}));
  const auto version = a.version();
  opt.step();
  ASSERT_NE(opt.state(a), nullptr);
  EXPECT_EQ(opt.state(a)->step, 1);
  EXPECT_EQ(opt.state(a)->buffers.count("exp_avg"), 1u);
  EXPECT_EQ(opt.state(b), nullptr);
  EXPECT_TRUE(ValuesEqual(b, {3.0}));
  EXPECT_GT(a.version(), version);  // in-place change is visible to autograd
  EXPECT_NEAR(a.to_vector()[0], 0.9, 1e-9);
}

TEST(OptimizerStep, ClosureLossIsReturned) {
  auto a = leaf({1.0, 2.0});
  optim::SGD opt({a}, 0.1);
  auto loss = opt.step([&] {
    opt.zero_grad();
    auto l = (a * a).sum();
    l.backward();
    return l;
  });
  ASSERT_TRUE(loss.defined());
  EXPECT_EQ(loss.item(), 5.0);
  EXPECT_TRUE(ValuesEqual(a, {0.8, 1.6}, 1e-15));
  EXPECT_FALSE(opt.step().defined());
}

TEST(OptimizerStep, LbfgsNeedsAClosureAndOneGroup) {
  auto a = leaf({1.0});
  optim::LBFGS opt({a});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt.step(); }), "needs a closure"));
  auto b = leaf({1.0});
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] {
                 optim::LBFGS two(std::vector<ParamGroup>{ParamGroup({a}), ParamGroup({b})});
               }),
               "exactly one group"));
  opt.add_param_group(ParamGroup({b}));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt.step([] { return xg::Tensor(); }); }),
                       "exactly one parameter group"));
  optim::LBFGS single({b});
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { single.step([] { return xg::Tensor(); }); }),
               "must return the loss"));
}

// ---- float32 -------------------------------------------------------------------------------

class Float32Params : public ::testing::TestWithParam<std::string> {};

TEST_P(Float32Params, FollowTheFloat64TrajectoryClosely) {
  const std::string name = GetParam();
  OptionMap options = {{"lr", 0.01}};
  if (name == "sgd") options["momentum"] = 0.9;
  if (name == "lbfgs") options = {{"line_search_fn", "strong_wolfe"}};
  auto p64 = leaf({0.5, -1.0, 2.0});
  auto p32 = leaf({0.5, -1.0, 2.0}, xg::kFloat32);
  auto o64 = optim::make(name, {p64}, options);
  auto o32 = optim::make(name, {p32}, options);
  for (int s = 0; s < 20; ++s) {
    for (auto* pair : {&p64, &p32}) {
      auto& p = *pair;
      auto* opt = (pair == &p64 ? o64 : o32).get();
      opt->step([&] {
        opt->zero_grad();
        auto loss = (p * p * p * p).sum() * 0.25 + p.sum();
        loss.backward();
        return loss;
      });
    }
  }
  EXPECT_EQ(p32.dtype(), xg::kFloat32);
  if (name != "lbfgs") {
    EXPECT_EQ(o32->state(p32)->buffers.begin()->second.dtype(), xg::kFloat32);
  }
  // L-BFGS stops on loss changes; a float32 loss resolves the minimiser to about √eps ≈ 3e-4.
  EXPECT_TRUE(RelClose(values(p32), values(p64), name == "lbfgs" ? 1e-3 : 1e-4));
}

INSTANTIATE_TEST_SUITE_P(AllOptimizers, Float32Params,
                         ::testing::Values("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta",
                                           "nadam", "radam", "adamax", "lbfgs"));

}  // namespace
}  // namespace xgtest
