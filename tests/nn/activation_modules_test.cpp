// Activation modules: values against PyTorch's formulas, equality with the functional ops,
// gradcheck through the module, names and reprs, the name -> module factory, and that
// training mode makes no difference.
#include <cmath>
#include <memory>

#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/basic.hpp>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;

/// gradcheck of module(x) wrt x, in float64.
::testing::AssertionResult ModuleGradcheck(nn::Module& m, const xg::Tensor& x) {
  return GradcheckPasses([&](const xg::TensorList& in) { return m(in[0]); }, {x});
}
::testing::AssertionResult ModuleGradgradcheck(nn::Module& m, const xg::Tensor& x) {
  return GradgradcheckPasses([&](const xg::TensorList& in) { return m(in[0]); }, {x});
}

TEST(ActivationModules, ValuesMatchPyTorchFormulas) {
  const auto x = t64({-1.0, 0.0, 1.0}, {3});
  EXPECT_TRUE(ValuesEqual(nn::ReLU()(x), {0, 0, 1}));
  EXPECT_TRUE(ValuesEqual(nn::LeakyReLU(0.2)(x), {-0.2, 0, 1}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::LeakyReLU()(x), {-0.01, 0, 1}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::ELU()(x), {std::exp(-1.0) - 1, 0, 1}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::ELU(2.0)(x), {2 * (std::exp(-1.0) - 1), 0, 1}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::GELU()(x), {-0.15865525393145707, 0, 0.8413447460685429}, 1e-15));
  EXPECT_TRUE(
      ValuesEqual(nn::GELU("tanh")(x), {-0.15880800939172324, 0, 0.8411919906082768}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::SiLU()(x), {-0.2689414213699951, 0, 0.7310585786300049}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::Tanh()(x), {std::tanh(-1.0), 0, std::tanh(1.0)}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::Sigmoid()(x),
                          {1 / (1 + std::exp(1.0)), 0.5, 1 / (1 + std::exp(-1.0))}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::Softplus()(x),
                          {std::log1p(std::exp(-1.0)), std::log(2.0), std::log1p(std::exp(1.0))},
                          1e-15));
  // beta = 2: log(1 + e^2) / 2 at x = 1; above beta x > threshold the output is x itself.
  EXPECT_TRUE(ValuesEqual(nn::Softplus(2.0)(t64({1.0}, {1})), {1.0634640055214863}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::Softplus(1.0, 5.0)(t64({5.5}, {1})), {5.5}));
}

TEST(ActivationModules, SoftmaxAndLogSoftmaxAlongTheirDim) {
  const auto x = t64({1, 2, 3, 1, 1, 1}, {2, 3});
  EXPECT_TRUE(ValuesEqual(
      nn::Softmax(1)(x),
      {0.09003057317038046, 0.24472847105479767, 0.6652409557748219, 1.0 / 3, 1.0 / 3, 1.0 / 3},
      1e-15));
  EXPECT_TRUE(ValuesEqual(nn::LogSoftmax(-1)(x),
                          {-2.4076059644443806, -1.4076059644443806, -0.4076059644443806,
                           -std::log(3.0), -std::log(3.0), -std::log(3.0)},
                          1e-14));
  // Along dim 0 the columns sum to one.
  const auto cols = xg::sum(nn::Softmax(0)(x), {0});
  EXPECT_TRUE(ValuesEqual(cols, {1, 1, 1}, 1e-15));
}

TEST(ActivationModules, SoftmaxDimOutOfRangeNamesTheModule) {
  const auto x = t64({1, 2, 3, 4}, {2, 2});
  const auto msg = message_of<xg::IndexError>([&] { nn::Softmax(2)(x); });
  EXPECT_TRUE(Contains(msg, "Softmax"));
  EXPECT_TRUE(Contains(msg, "dim 2"));
  EXPECT_TRUE(Contains(msg, "[2, 2]"));
  EXPECT_TRUE(Contains(message_of<xg::IndexError>([&] { nn::LogSoftmax(-3)(x); }), "LogSoftmax"));
}

/// Every activation module gives exactly what its functional op gives, in float32 too.
TEST(ActivationModules, ModuleEqualsFunctionalOp) {
  xg::manual_seed(3);
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    const auto x = xg::randn({4, 5}, dtype);
    auto same = [&](nn::Module&& m, const xg::Tensor& expected) {
      const auto y = m(x);
      EXPECT_EQ(y.dtype(), dtype) << m.name();
      EXPECT_TRUE(ValuesEqual(y, expected.to_vector())) << m.name();
    };
    same(nn::ReLU(), xg::relu(x));
    same(nn::LeakyReLU(0.3), xg::leaky_relu(x, 0.3));
    same(nn::ELU(0.7), xg::elu(x, 0.7));
    same(nn::GELU(), xg::gelu(x));
    same(nn::SiLU(), xg::silu(x));
    same(nn::Tanh(), xg::tanh(x));
    same(nn::Sigmoid(), xg::sigmoid(x));
    same(nn::Softplus(3.0, 2.0), xg::softplus(x, 3.0, 2.0));
    same(nn::Softmax(0), xg::softmax(x, 0));
    same(nn::LogSoftmax(1), xg::log_softmax(x, 1));
  }
}

TEST(ActivationModules, GradcheckThroughEveryModule) {
  xg::manual_seed(11);
  // Away from 0, where relu-like functions have a kink.
  const auto x = away_from_zero_leaf({3, 4});
  std::vector<std::shared_ptr<nn::Module>> modules = {
      std::make_shared<nn::ReLU>(),        std::make_shared<nn::LeakyReLU>(0.1),
      std::make_shared<nn::ELU>(1.5),      std::make_shared<nn::GELU>(),
      std::make_shared<nn::GELU>("tanh"),  std::make_shared<nn::SiLU>(),
      std::make_shared<nn::Tanh>(),        std::make_shared<nn::Sigmoid>(),
      std::make_shared<nn::Softplus>(2.0), std::make_shared<nn::Softmax>(1),
      std::make_shared<nn::LogSoftmax>(0)};
  for (auto& m : modules) EXPECT_TRUE(ModuleGradcheck(*m, x)) << m->name();
}

TEST(ActivationModules, GradgradcheckThroughSmoothModules) {
  xg::manual_seed(12);
  const auto x = away_from_zero_leaf({2, 3});
  std::vector<std::shared_ptr<nn::Module>> modules = {
      std::make_shared<nn::ELU>(),        std::make_shared<nn::GELU>(),
      std::make_shared<nn::GELU>("tanh"), std::make_shared<nn::SiLU>(),
      std::make_shared<nn::Tanh>(),       std::make_shared<nn::Sigmoid>(),
      std::make_shared<nn::Softplus>(),   std::make_shared<nn::Softmax>(1),
      std::make_shared<nn::LogSoftmax>(1)};
  for (auto& m : modules) EXPECT_TRUE(ModuleGradgradcheck(*m, x)) << m->name();
}

TEST(ActivationModules, NamesAndReprsAsPyTorch) {
  auto repr = [](const nn::Module& m) { return m.name() + "(" + m.extra_repr() + ")"; };
  EXPECT_EQ(repr(nn::ReLU()), "ReLU()");
  EXPECT_EQ(repr(nn::LeakyReLU()), "LeakyReLU(negative_slope=0.01)");
  EXPECT_EQ(repr(nn::ELU()), "ELU(alpha=1)");
  EXPECT_EQ(repr(nn::ELU(0.5)), "ELU(alpha=0.5)");
  EXPECT_EQ(repr(nn::GELU()), "GELU(approximate='none')");
  EXPECT_EQ(repr(nn::GELU("tanh")), "GELU(approximate='tanh')");
  EXPECT_EQ(repr(nn::SiLU()), "SiLU()");
  EXPECT_EQ(repr(nn::Tanh()), "Tanh()");
  EXPECT_EQ(repr(nn::Sigmoid()), "Sigmoid()");
  EXPECT_EQ(repr(nn::Softplus()), "Softplus(beta=1, threshold=20)");
  EXPECT_EQ(repr(nn::Softplus(nn::SoftplusOptions().beta(0.5).threshold(10))),
            "Softplus(beta=0.5, threshold=10)");
  EXPECT_EQ(repr(nn::Softmax(1)), "Softmax(dim=1)");
  EXPECT_EQ(repr(nn::LogSoftmax(-1)), "LogSoftmax(dim=-1)");
  EXPECT_EQ(nn::ReLU().num_parameters(), 0);
  EXPECT_TRUE(nn::GELU().named_parameters().empty());
  EXPECT_TRUE(nn::GELU().named_buffers().empty());
}

TEST(ActivationModules, BadOptionsAreValueErrors) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::GELU m("fast"); }), "'fast'"));
  const auto beta = message_of<xg::ValueError>([] { nn::Softplus m(0.0); });
  EXPECT_TRUE(Contains(beta, "Softplus"));
  EXPECT_TRUE(Contains(beta, "beta"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::LeakyReLU m(NAN); }), "LeakyReLU"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::ELU m(INFINITY); }), "ELU"));
}

TEST(ActivationModules, TrainAndEvalGiveTheSameOutput) {
  xg::manual_seed(5);
  const auto x = xg::randn({3, 4}, xg::kFloat64);
  for (const auto& name : nn::activation_names()) {
    auto m = nn::make_activation(name);
    const auto train_out = (*m)(x).to_vector();
    m->eval();
    EXPECT_FALSE(m->is_training());
    EXPECT_EQ((*m)(x).to_vector(), train_out) << name;
  }
}

TEST(ActivationFactory, EveryNameMakesItsModule) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"relu", "ReLU()"},
      {"leaky_relu", "LeakyReLU(negative_slope=0.01)"},
      {"elu", "ELU(alpha=1)"},
      {"gelu", "GELU(approximate='none')"},
      {"gelu_tanh", "GELU(approximate='tanh')"},
      {"silu", "SiLU()"},
      {"tanh", "Tanh()"},
      {"sigmoid", "Sigmoid()"},
      {"softplus", "Softplus(beta=1, threshold=20)"},
      {"softmax", "Softmax(dim=-1)"},
      {"log_softmax", "LogSoftmax(dim=-1)"},
      {"identity", "Identity()"}};
  ASSERT_EQ(nn::activation_names().size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(nn::activation_names()[i], expected[i].first);
    auto m = nn::make_activation(expected[i].first);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->name() + "(" + m->extra_repr() + ")", expected[i].second);
  }
}

TEST(ActivationFactory, CaseUnderscoresAndAliases) {
  EXPECT_EQ(nn::make_activation("LeakyReLU")->name(), "LeakyReLU");
  EXPECT_EQ(nn::make_activation("ReLU")->name(), "ReLU");
  EXPECT_EQ(nn::make_activation("LogSoftmax")->name(), "LogSoftmax");
  EXPECT_EQ(nn::make_activation("swish")->name(), "SiLU");
  EXPECT_EQ(nn::make_activation("none")->name(), "Identity");
  EXPECT_EQ(nn::make_activation("linear")->name(), "Identity");
  // Each call makes a new module.
  EXPECT_NE(nn::make_activation("relu"), nn::make_activation("relu"));
  // The module made is usable.
  const auto x = t64({-2, 3}, {2});
  EXPECT_TRUE(ValuesEqual((*nn::make_activation("relu"))(x), {0, 3}));
  EXPECT_TRUE(ValuesEqual((*nn::make_activation("none"))(x), {-2, 3}));
}

TEST(ActivationFactory, UnknownNameListsTheKnownOnes) {
  const auto msg = message_of<xg::ValueError>([] { nn::make_activation("relu6"); });
  EXPECT_TRUE(Contains(msg, "make_activation"));
  EXPECT_TRUE(Contains(msg, "'relu6'"));
  for (const auto& name : nn::activation_names()) EXPECT_TRUE(Contains(msg, name));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] { nn::make_activation(""); }), "''"));
}

TEST(ActivationModules, WorkAfterModuleToFloat64) {
  nn::ReLU relu;
  relu.to(xg::kFloat64);  // no parameters: nothing to convert, and no error
  const auto y = relu(t64({-1, 1}, {2}));
  EXPECT_EQ(y.dtype(), xg::kFloat64);
  EXPECT_TRUE(ValuesEqual(y, {0, 1}));
}

}  // namespace
