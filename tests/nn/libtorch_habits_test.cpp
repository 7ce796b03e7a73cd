// Module, optimizer and file habits from libtorch (issue 13 items 8-11 and 13):
// register_module by value, the error for a forward that does not override, named_parameters
// items as .key()/.value(), xgrad::save/load, nn::functional, nn::Functional,
// nn::utils::clip_grad_norm_, kaiming_normal_ with kFanOut/kReLU, AdamOptions betas as a
// tuple, StepLR's positional form, and DataLoader batches binding as (inputs, targets).
#include <gtest/gtest.h>

#include <cstdio>
#include <tuple>

#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace F = xgrad::nn::functional;
using xgtest::Contains;
using xgtest::message_of;

namespace {
struct ByValueNet : nn::Module {
  ByValueNet() { fc = register_module("fc", nn::Linear(2, 3)); }
  xg::Tensor forward(const xg::Tensor& x) override { return (*fc)(x); }
  std::shared_ptr<nn::Linear> fc;
};

// A forward taking the tensor by value and without `override`: it hides, not overrides.
struct NotOverriding : nn::Module {
  xg::Tensor forward(xg::Tensor x) { return x * 2; }  // NOLINT: the mistake under test
  std::string name() const override { return "NotOverriding"; }
};
}  // namespace

TEST(LibtorchHabits, RegisterModuleByValue) {
  ByValueNet net;
  EXPECT_EQ(net.parameters().size(), 2u);
  EXPECT_EQ(net.named_parameters()[0].key(), "fc.weight");
  EXPECT_EQ(net(xg::ones({4, 2})).sizes(), (xg::Shape{4, 3}));
}

TEST(LibtorchHabits, ForwardThatDoesNotOverrideIsNamed) {
  NotOverriding m;
  EXPECT_EQ(m.forward(xg::ones({1})).item<float>(), 2.0f);  // direct calls reach it
  const auto msg = message_of<xg::ValueError>([&] { m(xg::ones({1})); });
  EXPECT_TRUE(Contains(msg, "NotOverriding"));
  EXPECT_TRUE(Contains(msg, "Tensor forward(const Tensor& x) override"));
  EXPECT_TRUE(Contains(msg, "by value"));
}

TEST(LibtorchHabits, NamedParametersKeyValue) {
  nn::Linear fc(2, 2);
  for (const auto& p : fc.named_parameters()) {
    EXPECT_EQ(p.key(), p.first);
    EXPECT_TRUE(p.value().is_same(p.second));
  }
  for (auto& [name, t] : fc.named_parameters()) EXPECT_FALSE(name.empty() || !t.defined());
}

TEST(LibtorchHabits, SaveLoadModuleOptimizerTensor) {
  xg::manual_seed(2);
  const std::string dir = ::testing::TempDir();
  auto model = std::make_shared<nn::Linear>(3, 2);
  xg::optim::SGD opt(model->parameters(), xg::optim::SGDOptions(0.1).momentum(0.9));
  xg::mse_loss((*model)(xg::ones({1, 3})), xg::zeros({1, 2})).backward();
  opt.step();
  xg::save(model, dir + "/habit_model.safetensors");
  xg::save(opt, dir + "/habit_opt.safetensors");
  auto other = std::make_shared<nn::Linear>(3, 2);
  xg::load(other, dir + "/habit_model.safetensors");
  EXPECT_TRUE(xg::equal(other->weight, model->weight));
  xg::optim::SGD opt2(other->parameters(), xg::optim::SGDOptions(0.1).momentum(0.9));
  xg::load(opt2, dir + "/habit_opt.safetensors");

  auto t = xg::tensor({1, 2, 3});
  xg::save(t, dir + "/habit_tensor.safetensors");
  xg::Tensor back;
  xg::load(back, dir + "/habit_tensor.safetensors");
  EXPECT_TRUE(xg::equal(back, t));
  EXPECT_THROW(xg::load(back, dir + "/habit_model.safetensors"), xg::IOError);
  for (const char* f :
       {"/habit_model.safetensors", "/habit_opt.safetensors", "/habit_tensor.safetensors"})
    std::remove((dir + f).c_str());
}

TEST(LibtorchHabits, FunctionalAndUtils) {
  const auto x = xg::tensor({{-1.0, 2.0}, {0.5, -0.5}});
  EXPECT_TRUE(xg::equal(F::relu(x), xg::relu(x)));
  const auto labels = xg::tensor({1, 0});
  EXPECT_TRUE(xg::equal(F::cross_entropy(x, labels), xg::cross_entropy(x, labels)));
  EXPECT_TRUE(xg::equal(F::mse_loss(x, x), xg::zeros({})));
  nn::Functional relu(xg::relu);
  EXPECT_TRUE(xg::equal(relu(x), xg::relu(x)));
  nn::Functional leaky(xg::leaky_relu, 0.2);
  EXPECT_TRUE(xg::equal(leaky(x), xg::leaky_relu(x, 0.2)));
  nn::Sequential seq(nn::Linear(2, 2), nn::Functional(xg::relu));
  EXPECT_EQ(seq(x).sizes(), (xg::Shape{2, 2}));

  auto w = xg::ones({2}).requires_grad_();
  (w * 10.0).sum().backward();
  const double norm = nn::utils::clip_grad_norm_({w}, 1.0);
  EXPECT_NEAR(norm, std::sqrt(200.0), 1e-4);
  EXPECT_NEAR(w.grad().norm().item<double>(), 1.0, 1e-4);

  auto k = xg::empty({64, 32});
  nn::init::kaiming_normal_(k, 0, xg::kFanOut, xg::kReLU);
  EXPECT_NEAR(k.std().item<double>(), std::sqrt(2.0 / 64), 0.02);
}

TEST(LibtorchHabits, OptimizerOptionsAndSchedulers) {
  auto w = xg::zeros({2}).requires_grad_();
  xg::optim::Adam adam({w}, xg::optim::AdamOptions(1e-3).betas(std::make_tuple(0.5, 0.99)));
  xg::optim::AdamOptions o;
  o.betas(std::make_tuple(0.5, 0.99));
  EXPECT_EQ(o.betas().first, 0.5);
  EXPECT_EQ(o.betas().second, 0.99);
  xg::optim::SGD sgd({w}, xg::optim::SGDOptions(1.0));
  xg::optim::StepLR sched(sgd, 2, 0.5);
  sched.step();
  sched.step();
  EXPECT_NEAR(sched.get_last_lr()[0], 0.5, 1e-12);
}

TEST(LibtorchHabits, BatchesBindAsInputsTargets) {
  auto x = xg::randn({6, 2});
  auto y = xg::tensor({0, 1, 0, 1, 0, 1});
  xg::data::TensorDataset ds(x, y);
  xg::data::DataLoader loader(ds, xg::data::DataLoaderOptions().batch_size(4));
  int64_t seen = 0;
  for (auto& [xb, yb] : loader) seen += xb.size(0) + 0 * yb.size(0);
  EXPECT_EQ(seen, 6);
  for (auto& batch : loader) EXPECT_EQ(batch.inputs.size(0), batch.targets.size(0));
}
