// nn::Sequential and nn::MLP run a Linear followed by a ReLU as one fused linear_relu when no
// hook needs the Linear's output: the same values and gradients as the layers one by one, and
// no fusion when a hook is registered on either module or when a module is a subclass.
#include <memory>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;

double max_abs_difference(const xg::Tensor& a, const xg::Tensor& b) {
  return xg::max(xg::abs(a - b)).item();
}

nn::Sequential make_net() {
  xg::manual_seed(41);
  return nn::Sequential(nn::Linear(nn::LinearOptions(6, 8).dtype(xg::kFloat64)), nn::ReLU(),
                        nn::Linear(nn::LinearOptions(8, 3).dtype(xg::kFloat64)));
}

/// The net's layers called one by one, unfused: relu(linear(x)) then linear.
xg::Tensor by_hand(nn::Sequential& net, const xg::Tensor& x) {
  auto fc1 = net.at<nn::Linear>(0), fc2 = net.at<nn::Linear>(2);
  return xg::linear(xg::relu(xg::linear(x, fc1->weight, fc1->bias)), fc2->weight, fc2->bias);
}

/// A Linear whose forward differs: Sequential must call it, not fuse it.
class DoubledLinear : public nn::Linear {
 public:
  using nn::Linear::Linear;
  xg::Tensor forward(const xg::Tensor& input) override { return nn::Linear::forward(input) * 2.0; }
};

}  // namespace

TEST(Fusion, SequentialFusesLinearReluWithTheSameValuesAndGradients) {
  auto net = make_net();
  auto x = xg::randn({5, 6}, xg::kFloat64);
  auto out = net(x);
  // The hidden activation comes from the fused op.
  ASSERT_NE(out.grad_fn(), nullptr);
  const auto hidden = out.grad_fn()->next_edges()[0].node;
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(hidden->name(), "LinearReluBackward");
  out.sum().backward();
  std::vector<xg::Tensor> fused_grads;
  for (auto& p : net.parameters()) {
    fused_grads.push_back(p.grad().clone());
    p.zero_grad();
  }
  const auto expected = by_hand(net, x);
  EXPECT_LE(max_abs_difference(out, expected), 1e-12);
  expected.sum().backward();
  const auto params = net.parameters();
  for (size_t i = 0; i < params.size(); ++i)
    EXPECT_LE(max_abs_difference(fused_grads[i], params[i].grad()), 1e-12) << i;
}

TEST(Fusion, SequentialGradcheckFloat64) {
  auto net = make_net();
  auto x = xgtest::randn_leaf({4, 6});
  EXPECT_TRUE(xgtest::GradcheckPasses([&](const xg::TensorList& in) { return net(in[0]); }, {x}));
}

TEST(Fusion, ForwardHookOnTheLinearSeesThePreActivation) {
  auto net = make_net();
  auto x = xg::randn({5, 6}, xg::kFloat64);
  xg::Tensor seen;
  auto handle = net[0]->register_forward_hook(
      [&](nn::Module&, const xg::Tensor&, const xg::Tensor& out) { seen = out; });
  const auto out = net(x);
  ASSERT_TRUE(seen.defined());
  auto fc1 = net.at<nn::Linear>(0);
  EXPECT_LE(max_abs_difference(seen, xg::linear(x, fc1->weight, fc1->bias)), 1e-12);
  EXPECT_LT(xg::min(seen).item(), 0.0);  // negative values: the relu has not been applied
  EXPECT_LE(max_abs_difference(out, by_hand(net, x)), 1e-12);
  handle.remove();
  EXPECT_EQ(net(x).grad_fn()->next_edges()[0].node->name(), "LinearReluBackward");
}

TEST(Fusion, HooksOnTheReluStillRun) {
  auto net = make_net();
  auto x = xg::randn({5, 6}, xg::kFloat64).requires_grad_();
  int forward_calls = 0, backward_calls = 0;
  auto f = net[1]->register_forward_hook(
      [&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++forward_calls; });
  auto b = net[1]->register_full_backward_hook(
      [&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++backward_calls; });
  auto out = net(x);
  out.sum().backward();
  EXPECT_EQ(forward_calls, 1);
  EXPECT_EQ(backward_calls, 1);
  EXPECT_LE(max_abs_difference(out, by_hand(net, x)), 1e-12);
}

TEST(Fusion, SubclassOfLinearIsNotFused) {
  xg::manual_seed(43);
  nn::Sequential net(DoubledLinear(nn::LinearOptions(3, 4).dtype(xg::kFloat64)), nn::ReLU());
  auto x = xg::randn({2, 3}, xg::kFloat64);
  auto fc = net.at<nn::Linear>(0);
  const auto expected = xg::relu(xg::linear(x, fc->weight, fc->bias) * 2.0);
  EXPECT_LE(max_abs_difference(net(x), expected), 1e-12);
}

TEST(Fusion, MlpFusesOnlyWithoutHooksAndWithoutLayerNorm) {
  xg::manual_seed(47);
  nn::MLP mlp({6, 8, 8, 3}, nn::MLPOptions().dtype(xg::kFloat64));
  auto x = xg::randn({4, 6}, xg::kFloat64);
  const auto out = mlp(x);
  // The last layer is a plain linear; the one before it the fused hidden layer.
  EXPECT_EQ(out.grad_fn()->name(), "LinearBackward");
  EXPECT_EQ(out.grad_fn()->next_edges()[0].node->name(), "LinearReluBackward");
  // By hand: relu(linear) twice, then linear.
  xg::Tensor h = x;
  for (size_t i = 0; i < 3; ++i) {
    auto fc = mlp.layers->at<nn::Linear>(i);
    h = xg::linear(h, fc->weight, fc->bias);
    if (i < 2) h = xg::relu(h);
  }
  EXPECT_LE(max_abs_difference(out, h), 1e-12);
  // A forward hook on a layer turns the fusion off for that layer only.
  auto handle = mlp.layers->at(0)->register_forward_hook(
      [](nn::Module&, const xg::Tensor&, const xg::Tensor&) {});
  const auto hooked = mlp(x);
  EXPECT_LE(max_abs_difference(hooked, h), 1e-12);
  const auto layer1 = hooked.grad_fn()->next_edges()[0].node;
  EXPECT_EQ(layer1->name(), "LinearReluBackward");
  EXPECT_EQ(layer1->next_edges()[0].node->name(), "ReluBackward");  // layer 0, unfused
  handle.remove();
}
