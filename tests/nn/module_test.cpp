// nn::Module: registration, recursive traversal with dotted names, modes, dtype, summary.
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
using xgtest::Contains;
using xgtest::message_of;

struct Block : nn::Module {
  std::shared_ptr<nn::Linear> fc;
  xg::Tensor scale;
  Block() {
    fc = register_module("fc", std::make_shared<nn::Linear>(3, 2));
    scale = register_parameter("scale", xg::ones({2}));
    register_buffer("steps", xg::zeros({1}));
  }
  std::string name() const override { return "Block"; }
  xg::Tensor forward(const xg::Tensor& x) override { return (*fc)(x)*scale; }
};

struct Net : nn::Module {
  std::shared_ptr<Block> first, second;
  Net() {
    register_parameter("temperature", xg::full({}, 1.0));
    first = register_module("first", std::make_shared<Block>());
    second = register_module("second", std::make_shared<Block>());
  }
  std::string name() const override { return "Net"; }
};

std::vector<std::string> names(const nn::NamedTensors& named) {
  std::vector<std::string> out;
  for (const auto& entry : named) out.push_back(entry.first);
  return out;
}

TEST(Module, NamedParametersAreDottedInRegistrationOrder) {
  Net net;
  EXPECT_EQ(
      names(net.named_parameters()),
      (std::vector<std::string>{"temperature", "first.scale", "first.fc.weight", "first.fc.bias",
                                "second.scale", "second.fc.weight", "second.fc.bias"}));
  EXPECT_EQ(names(net.named_parameters(/*recurse=*/false)),
            (std::vector<std::string>{"temperature"}));
  EXPECT_EQ(names(net.named_buffers()), (std::vector<std::string>{"first.steps", "second.steps"}));
  EXPECT_EQ(net.parameters().size(), 7u);
  EXPECT_EQ(net.buffers().size(), 2u);
  EXPECT_EQ(net.children().size(), 2u);
  EXPECT_EQ(net.named_children()[1].first, "second");
  EXPECT_EQ(net.state_dict().size(), 9u);
  // Each module's own parameters come before its children's, as in PyTorch.
  // The handles are the module's own tensors, not copies.
  EXPECT_TRUE(net.named_parameters()[2].second.is_same(net.first->fc->weight));
  for (const auto& p : net.parameters()) EXPECT_TRUE(p.requires_grad());
  for (const auto& b : net.buffers()) EXPECT_FALSE(b.requires_grad());
}

TEST(Module, NamedModulesAndApplyVisitEveryModule) {
  Net net;
  std::vector<std::string> names;
  for (const auto& [name, m] : net.named_modules()) names.push_back(name + ":" + m->name());
  EXPECT_EQ(names, (std::vector<std::string>{":Net", "first:Block", "first.fc:Linear",
                                             "second:Block", "second.fc:Linear"}));
  int linears = 0;
  net.apply([&](nn::Module& m) { linears += dynamic_cast<nn::Linear*>(&m) != nullptr; });
  EXPECT_EQ(linears, 2);
}

TEST(Module, NumParametersCountsElements) {
  Net net;
  EXPECT_EQ(net.num_parameters(), 1 + 2 * (3 * 2 + 2 + 2));
  net.first->scale.requires_grad_(false);
  EXPECT_EQ(net.num_parameters(/*trainable_only=*/true), 1 + 2 * 10 - 2);
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  Net net;
  EXPECT_TRUE(net.is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.first->is_training());
  EXPECT_FALSE(net.second->fc->is_training());
  net.train();
  EXPECT_TRUE(net.second->fc->is_training());
}

TEST(Module, ZeroGradClearsEveryParameter) {
  Net net;
  auto y = (*net.first)(xg::ones({4, 3})).sum() + (*net.second)(xg::ones({4, 3})).sum();
  y.backward();
  EXPECT_TRUE(net.first->fc->weight.grad().defined());
  net.zero_grad(/*set_to_none=*/false);
  EXPECT_EQ(net.first->fc->weight.grad().to_vector(), std::vector<double>(6, 0.0));
  net.zero_grad();
  for (const auto& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, ToConvertsInPlaceSoHandlesFollow) {
  Net net;
  const auto before = net.first->fc->weight.to_vector();
  auto held = net.parameters()[2];
  net.to(xg::kFloat64);
  for (const auto& [name, t] : net.state_dict()) EXPECT_EQ(t.dtype(), xg::kFloat64) << name;
  EXPECT_EQ(held.dtype(), xg::kFloat64);
  EXPECT_EQ(net.first->fc->weight.dtype(), xg::kFloat64);
  EXPECT_EQ(net.first->fc->weight.to_vector(), before);
  EXPECT_TRUE(net.first->fc->weight.requires_grad());
  // A float64 forward and backward work after the conversion.
  auto y = (*net.first)(xg::ones({2, 3}, xg::kFloat64)).sum();
  y.backward();
  EXPECT_EQ(net.first->fc->weight.grad().dtype(), xg::kFloat64);
  EXPECT_THROW(net.to(xg::kInt64), xg::DTypeError);
}

TEST(Module, RegistrationErrorsNameTheProblem) {
  struct Bad : nn::Module {
    std::string name() const override { return "Bad"; }
    void try_register(const std::string& n, xg::Tensor t) { register_parameter(n, t); }
    void try_buffer(const std::string& n, xg::Tensor t) { register_buffer(n, t); }
  };
  Bad bad;
  bad.try_register("w", xg::ones({1}));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { bad.try_register("w", xg::ones({1})); }),
                       "already registered"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { bad.try_buffer("w", xg::ones({1})); }),
                       "'w' is already registered"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { bad.try_register("a.b", xg::ones({1})); }),
                       "contain no '.'"));
  EXPECT_TRUE(Contains(message_of<xg::DTypeError>([&] {
                         bad.try_register("i", xg::tensor(std::vector<int64_t>{1}, {1}));
                       }),
                       "float32 or float64"));
  auto leaf = xg::ones({2}).requires_grad_();
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { bad.try_register("n", leaf * 2); }), "grad_fn"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { bad(xg::ones({1})); }),
                       "Bad: this module has no single-input forward"));
}

TEST(Module, SummaryListsLayersShapesAndCounts) {
  Net net;
  std::ostringstream os;
  os << net;
  const std::string s = os.str();
  EXPECT_TRUE(Contains(s, "Net(  # 1 params: temperature []"));
  EXPECT_TRUE(Contains(s, "  (first): Block(  # 2 params: scale [2]"));
  EXPECT_TRUE(Contains(s,
                       "    (fc): Linear(in_features=3, out_features=2, bias=true)  # 8 params: "
                       "weight [2, 3], bias [2]"));
  EXPECT_TRUE(Contains(s, "Parameters: 21 (21 trainable)"));
  nn::MLP big({784, 256, 10});
  EXPECT_TRUE(Contains(big.summary(), "Parameters: 203,530"));
}

}  // namespace
