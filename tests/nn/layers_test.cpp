// Linear, Sequential/ModuleList and MLP: values, gradients through the modules, names, errors.
#include <cmath>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
using xgtest::Contains;
using xgtest::GradcheckPasses;
using xgtest::message_of;

TEST(Linear, DefaultInitIsUniformWithinOneOverSqrtFanIn) {
  xg::manual_seed(0);
  nn::Linear fc(400, 300);
  const double bound = 1.0 / std::sqrt(400.0);
  for (const auto& t : {fc.weight, fc.bias}) {
    auto v = t.to_vector();
    EXPECT_LE(*std::max_element(v.begin(), v.end()), bound);
    EXPECT_GE(*std::min_element(v.begin(), v.end()), -bound);
    EXPECT_GT(*std::max_element(v.begin(), v.end()), 0.95 * bound);
  }
  EXPECT_EQ(fc.weight.shape(), (xg::Shape{300, 400}));
  EXPECT_EQ(fc.extra_repr(), "in_features=400, out_features=300, bias=true");
}

TEST(Linear, ComputesXWtPlusB) {
  nn::Linear fc(nn::LinearOptions(2, 2).dtype(xg::kFloat64));
  {
    xg::NoGradGuard g;
    fc.weight.copy_(xgtest::t64({1, 2, 3, 4}, {2, 2}));
    fc.bias.copy_(xgtest::t64({0.5, -1}, {2}));
  }
  auto y = fc(xgtest::t64({1, 1, 2, 0}, {2, 2}));
  EXPECT_TRUE(xgtest::ValuesEqual(y, {3.5, 6, 2.5, 5}));
  nn::Linear nobias(3, 4, /*bias=*/false);
  EXPECT_FALSE(nobias.bias.defined());
  EXPECT_EQ(nobias.parameters().size(), 1u);
}

TEST(Linear, GradcheckThroughTheModule) {
  xg::manual_seed(1);
  auto fc = std::make_shared<nn::Linear>(nn::LinearOptions(4, 3).dtype(xg::kFloat64));
  auto x = xgtest::randn_leaf({5, 4});
  EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return (*fc)(in[0]); }, {x}));
  // With respect to the parameters: they are leaves the module holds; route them as inputs.
  EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return xg::linear(x, in[0], in[1]); },
                              {fc->weight, fc->bias}));
}

TEST(Linear, BadSizesAndInputsAreErrors) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::Linear(0, 3); }), "must be positive"));
  nn::Linear fc(4, 2);
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] {
                         fc(xg::ones({3, 5}));
                       }),
                       "expected input of shape [*, 4], got [3, 5]"));
}

TEST(Sequential, VariadicAndPushBackChainModules) {
  xg::manual_seed(2);
  nn::Sequential net(nn::Linear(3, 4), nn::ReLU(), std::make_shared<nn::Linear>(4, 2));
  net.push_back(nn::Tanh());
  EXPECT_EQ(net.size(), 4u);
  std::vector<std::string> names;
  for (const auto& [name, p] : net.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  auto x = xg::randn({5, 3});
  auto fc0 = net.at<nn::Linear>(0), fc2 = net.at<nn::Linear>(2);
  auto expected = xg::tanh((*fc2)(xg::relu((*fc0)(x))));
  EXPECT_EQ(net(x).to_vector(), expected.to_vector());
  EXPECT_THROW(net.at(4), xg::IndexError);
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { net.at<nn::Linear>(1); }), "module 1 is a ReLU"));
  nn::Sequential empty;
  EXPECT_EQ(empty(x).to_vector(), x.to_vector());
  // A copy of a Sequential shares its parameters.
  nn::Sequential copy = net;
  EXPECT_TRUE(copy.parameters()[0].is_same(net.parameters()[0]));
}

TEST(MLP, NamesLayersLikePyTorchModuleList) {
  nn::MLP model({2, 3, 1});
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"layers.0.weight", "layers.0.bias", "layers.1.weight",
                                             "layers.1.bias"}));
  nn::MLP normed({4, 8, 8, 2}, nn::MLPOptions().layer_norm(true).dropout(0.2).activation("gelu"));
  names.clear();
  for (const auto& [name, p] : normed.named_parameters()) names.push_back(name);
  EXPECT_EQ(names.size(), 3u * 2 + 2u * 2);
  EXPECT_EQ(names[6], "norms.0.weight");
  EXPECT_EQ(normed.num_parameters(), (4 * 8 + 8) + (8 * 8 + 8) + (8 * 2 + 2) + 4 * 8);
}

TEST(MLP, ForwardIsLinearActivationAndNothingAfterTheLast) {
  xg::manual_seed(3);
  nn::MLP model({3, 5, 4, 2}, nn::MLPOptions().activation("tanh").dtype(xg::kFloat64));
  auto x = xg::randn({6, 3}, xg::kFloat64);
  auto l = [&](size_t i) { return model.layers->at<nn::Linear>(i); };
  auto expected = (*l(2))(xg::tanh((*l(1))(xg::tanh((*l(0))(x)))));
  EXPECT_EQ(model(x).to_vector(), expected.to_vector());
}

TEST(MLP, GradcheckThroughTheModuleWithLayerNorm) {
  xg::manual_seed(4);
  nn::MLP model({3, 4, 2},
                nn::MLPOptions().layer_norm(true).activation("silu").dtype(xg::kFloat64));
  auto x = xgtest::randn_leaf({5, 3});
  EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return model(in[0]); }, {x}));
  // Parameter gradients agree with finite differences of the loss.
  auto loss = [&] { return model(x).pow(2).sum().item(); };
  auto y = model(x).pow(2).sum();
  y.backward();
  for (const auto& [name, p] : model.named_parameters()) {
    const auto g = p.grad().to_vector();
    double* d = p.data_ptr<double>();
    for (int64_t i = 0; i < p.numel(); ++i) {
      const double keep = d[i], h = 1e-6;
      d[i] = keep + h;
      const double up = loss();
      d[i] = keep - h;
      const double down = loss();
      d[i] = keep;
      EXPECT_NEAR(g[i], (up - down) / (2 * h), 1e-6) << name << "[" << i << "]";
    }
  }
}

TEST(MLP, DropoutOnlyInTraining) {
  xg::manual_seed(5);
  nn::MLP model({10, 50, 3}, nn::MLPOptions().dropout(0.5));
  auto x = xg::randn({4, 10});
  model.eval();
  auto a = model(x), b = model(x);
  EXPECT_EQ(a.to_vector(), b.to_vector());
  model.train();
  EXPECT_NE(model(x).to_vector(), a.to_vector());
}

TEST(MLP, BadOptionsAreErrors) {
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([] { nn::MLP({5}); }), "at least the input and output"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::MLP({5, 0, 1}); }), "[5, 0, 1]"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         nn::MLP({5, 1}, nn::MLPOptions().activation("nope"));
                       }),
                       "nope"));
  EXPECT_THROW(nn::MLP({5, 1}, nn::MLPOptions().dropout(1.5)), xg::ValueError);
}

}  // namespace
