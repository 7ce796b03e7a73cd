// Optimizer state: save after 10 steps, load into a fresh optimizer over fresh copies of the
// parameters, 10 more steps == 20 uninterrupted steps, bitwise, for every optimizer; bad or
// mismatched state is an error that leaves the optimizer as it was.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "optim/optimizer_test_util.hpp"

namespace xgtest {
namespace {

using optim::OptionMap;

struct Config {
  std::string name;
  OptionMap options;
};
void PrintTo(const Config& c, std::ostream* os) {
  *os << c.name << " " << optim::to_string(c.options);
}

std::string temp_path(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("xgrad_optim_" + tag + "_" + std::to_string(::getpid()) + ".safetensors"))
      .string();
}

std::vector<xg::Tensor> fresh_params() {
  return {t64({0.5, -1.0, 2.0}, {3}).requires_grad_(),
          t64({1.5, -0.5, 0.25, -2.0}, {2, 2}).requires_grad_()};
}

/// A smooth nonconvex loss whose gradients change every step.
xg::Tensor loss_of(const std::vector<xg::Tensor>& ps) {
  auto l = (ps[0] * ps[0] * ps[0] * ps[0]).sum() * 0.25 + ps[0].sum();
  return l + ((ps[1] - 1.0) * (ps[1] - 1.0)).sum() + (ps[1] * ps[1] * ps[1]).sum() * 0.1;
}

void run(optim::Optimizer& opt, const std::vector<xg::Tensor>& ps, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.step([&] {
      opt.zero_grad();
      auto l = loss_of(ps);
      l.backward();
      return l;
    });
  }
}

class StateResume : public ::testing::TestWithParam<Config> {};

TEST_P(StateResume, TenPlusTenEqualsTwentyBitwise) {
  const auto& c = GetParam();
  auto straight = fresh_params();
  auto reference = optim::make(c.name, straight, c.options);
  run(*reference, straight, 20);

  auto first = fresh_params();
  auto opt = optim::make(c.name, first, c.options);
  run(*opt, first, 10);
  const auto path = temp_path(c.name);
  opt->save(path);

  // fresh copies of the parameters as they are after 10 steps, fresh optimizer
  std::vector<xg::Tensor> resumed;
  for (const auto& p : first) resumed.push_back(p.detach().clone().requires_grad_());
  auto opt2 = optim::make(c.name, resumed, c.name == "sgd" ? OptionMap{{"lr", 1.0}} : OptionMap{});
  opt2->load(path);
  std::remove(path.c_str());
  run(*opt2, resumed, 10);
  for (std::size_t i = 0; i < resumed.size(); ++i) {
    EXPECT_EQ(values(resumed[i]), values(straight[i])) << "parameter " << i;
  }
  // the options came back with the state
  EXPECT_EQ(opt2->param_groups()[0].options().to_map(),
            reference->param_groups()[0].options().to_map());
  // and state_dict() in memory does the same
  auto again = fresh_params();
  auto opt3 = optim::make(c.name, again, c.options);
  run(*opt3, again, 10);
  auto opt4 = optim::make(c.name, again, c.options);
  opt4->load_state_dict(opt3->state_dict());
  run(*opt4, again, 10);
  for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(values(again[i]), values(straight[i]));
}

INSTANTIATE_TEST_SUITE_P(
    AllOptimizers, StateResume,
    ::testing::Values(Config{"sgd", {{"lr", 0.05}, {"momentum", 0.9}, {"nesterov", true}}},
                      Config{"adam", {{"lr", 0.01}, {"amsgrad", true}}},
                      Config{"adamw", {{"lr", 0.01}}},
                      Config{"rmsprop", {{"lr", 0.01}, {"momentum", 0.5}, {"centered", true}}},
                      Config{"adagrad", {{"lr", 0.1}, {"lr_decay", 0.01}}},
                      Config{"adadelta", {{"rho", 0.8}}}, Config{"nadam", {{"lr", 0.01}}},
                      Config{"radam", {{"lr", 0.01}}}, Config{"adamax", {{"lr", 0.01}}},
                      Config{"lbfgs", {{"lr", 0.5}, {"max_iter", 3}, {"history_size", 4}}},
                      Config{"lbfgs", {{"line_search_fn", "strong_wolfe"}, {"max_iter", 2}}}),
    [](const ::testing::TestParamInfo<Config>& info) {
      return info.param.name + "_" + std::to_string(info.index);
    });

TEST(StateFile, LayoutIsTensorsPlusJsonMetadata) {
  auto ps = fresh_params();
  optim::Adam opt(ps, optim::AdamOptions(0.01));
  run(opt, ps, 3);
  const auto path = temp_path("layout");
  opt.save(path);
  xg::Metadata meta;
  auto tensors = xg::load_tensors(path, &meta);
  std::remove(path.c_str());
  EXPECT_EQ(tensors.size(), 4u);
  EXPECT_EQ(tensors.at("state.1.exp_avg_sq").shape(), (xg::Shape{2, 2}));
  EXPECT_EQ(meta.at("optimizer"), "Adam");
  EXPECT_EQ(meta.at("format"), "xgrad.optimizer/1");
  auto state = nlohmann::json::parse(meta.at("state"));
  EXPECT_EQ(state["0"]["step"], 3);
  auto groups = nlohmann::json::parse(meta.at("param_groups"));
  EXPECT_EQ(groups[0]["params"], nlohmann::json({0, 1}));
  EXPECT_EQ(groups[0]["options"]["lr"], 0.01);
  EXPECT_EQ(groups[0]["options"]["betas"], nlohmann::json({0.9, 0.999}));
}

// ---- errors leave the optimizer unchanged ------------------------------------------------------

class StateErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    params = fresh_params();
    opt = std::make_unique<optim::Adam>(params, optim::AdamOptions(0.01));
    run(*opt, params, 2);
    good = opt->state_dict();
    run(*opt, params, 1);  // the optimizer now differs from `good`
    before = opt->state_dict();
  }
  void ExpectUnchanged() {
    auto now = opt->state_dict();
    EXPECT_EQ(now.metadata, before.metadata);
    ASSERT_EQ(now.tensors.size(), before.tensors.size());
    for (const auto& [name, t] : before.tensors) EXPECT_EQ(values(now.tensors.at(name)), values(t));
  }
  std::vector<xg::Tensor> params;
  std::unique_ptr<optim::Adam> opt;
  optim::OptimizerStateDict good, before;
};

TEST_F(StateErrors, WrongOptimizer) {
  auto ps = fresh_params();
  optim::SGD sgd(ps, optim::SGDOptions(0.1).momentum(0.9));
  run(sgd, ps, 1);
  auto msg = message_of<xg::ValueError>([&] { opt->load_state_dict(sgd.state_dict()); });
  EXPECT_TRUE(Contains(msg, "Adam::load_state_dict: the state is of a SGD optimizer, not Adam"));
  ExpectUnchanged();
}

TEST_F(StateErrors, ParameterCountAndShapes) {
  std::vector<xg::Tensor> one{t64({1.0, 2.0, 3.0}, {3}).requires_grad_()};
  optim::Adam small(one);
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { small.load_state_dict(good); }),
                       "group 0 has 2 parameters in the state; 1 here"));
  std::vector<xg::Tensor> other{t64({1.0, 2.0, 3.0}, {3}).requires_grad_(),
                                t64({1.0, 2.0, 3.0, 4.0}, {4}).requires_grad_()};
  optim::Adam reshaped(other);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { reshaped.load_state_dict(good); }),
                       "parameter 1 has shape [2, 2] in the state; here [4]"));
  EXPECT_EQ(reshaped.state(other[0]), nullptr);
  optim::Adam two_groups(
      std::vector<optim::ParamGroup>{optim::ParamGroup({other[0]}), optim::ParamGroup({other[1]})});
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { two_groups.load_state_dict(good); }),
                       "1 parameter groups; this optimizer has 2"));
}

TEST_F(StateErrors, MissingExtraOrMisshapenBuffers) {
  auto missing = good;
  missing.tensors.erase("state.1.exp_avg_sq");
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(missing); }),
                       "parameter 1 has state but no 'exp_avg_sq' buffer"));
  ExpectUnchanged();
  auto extra = good;
  extra.tensors.emplace("state.0.max_exp_avg_sq", good.tensors.at("state.0.exp_avg"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(extra); }),
                       "unexpected state buffer 'max_exp_avg_sq'"));
  auto stray = good;
  stray.tensors.emplace("state.7.exp_avg", good.tensors.at("state.0.exp_avg"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(stray); }),
                       "\"state.7.exp_avg\" does not name the state of a parameter"));
  auto misshapen = good;
  misshapen.tensors["state.0.exp_avg"] = xg::zeros({4}, xg::kFloat64);
  EXPECT_THROW(opt->load_state_dict(misshapen), xg::ShapeError);
  ExpectUnchanged();
}

TEST_F(StateErrors, BadMetadata) {
  auto bad_json = good;
  bad_json.metadata["state"] = "{not json";
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(bad_json); }),
                       "\"state\" is not valid JSON"));
  auto bad_lr = good;
  auto groups = nlohmann::json::parse(bad_lr.metadata["param_groups"]);
  groups[0]["options"]["lr"] = -1.0;
  bad_lr.metadata["param_groups"] = groups.dump();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(bad_lr); }),
                       "Adam: invalid lr -1"));
  groups[0]["options"] = {{"lr", 0.01}, {"momentum", 0.9}};
  bad_lr.metadata["param_groups"] = groups.dump();
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { opt->load_state_dict(bad_lr); }),
                       "unknown option 'momentum'"));
  auto no_format = good;
  no_format.metadata.erase("format");
  EXPECT_THROW(opt->load_state_dict(no_format), xg::ValueError);
  ExpectUnchanged();
  opt->load_state_dict(good);  // and the good one loads
  EXPECT_EQ(opt->state(params[0])->step, 2);
}

TEST_F(StateErrors, CorruptOrMissingFiles) {
  const auto path = temp_path("corrupt");
  opt->save(path);
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size - 5);
  EXPECT_THROW(opt->load(path), xg::IOError);
  ExpectUnchanged();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "garbage";
  }
  EXPECT_THROW(opt->load(path), xg::IOError);
  std::remove(path.c_str());
  EXPECT_THROW(opt->load(path), xg::IOError);
  ExpectUnchanged();
  // a valid file for another optimizer names the file
  auto ps = fresh_params();
  optim::RMSprop rms(ps);
  run(rms, ps, 1);
  rms.save(path);
  auto msg = message_of<xg::ValueError>([&] { opt->load(path); });
  EXPECT_TRUE(Contains(msg, "RMSprop"));
  EXPECT_TRUE(Contains(msg, path));
  std::remove(path.c_str());
  ExpectUnchanged();
}

}  // namespace
}  // namespace xgtest
