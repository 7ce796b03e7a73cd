// nn::Module hooks: forward pre-hooks, forward hooks and full backward hooks fire in order with
// the right tensors, can replace what flows, and are removed through their handles.
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::ValuesEqual;

nn::Sequential make_net() {
  xg::manual_seed(3);
  return nn::Sequential(nn::Linear(nn::LinearOptions(3, 4).dtype(xg::kFloat64)), nn::Tanh(),
                        nn::Linear(nn::LinearOptions(4, 2).dtype(xg::kFloat64)));
}

TEST(ModuleHooks, ForwardHooksFireInOrderWithTheRightTensors) {
  auto net = make_net();
  std::vector<std::string> events;
  std::vector<xg::Tensor> inputs, outputs;
  std::vector<nn::HookHandle> handles;
  for (size_t i = 0; i < net.size(); ++i) {
    handles.push_back(
        net[i]->register_forward_pre_hook([&events, i](nn::Module&, const xg::Tensor&) {
          events.push_back("pre" + std::to_string(i));
        }));
    handles.push_back(net[i]->register_forward_hook(
        [&, i](nn::Module& m, const xg::Tensor& in, const xg::Tensor& out) {
          events.push_back("fwd" + std::to_string(i) + ":" + m.name());
          inputs.push_back(in);
          outputs.push_back(out);
        }));
  }
  auto x = xg::randn({5, 3}, xg::kFloat64);
  auto y = net(x);
  EXPECT_EQ(events, (std::vector<std::string>{"pre0", "fwd0:Linear", "pre1", "fwd1:Tanh", "pre2",
                                              "fwd2:Linear"}));
  ASSERT_EQ(outputs.size(), 3u);
  EXPECT_TRUE(inputs[0].is_same(x));
  EXPECT_TRUE(inputs[1].is_same(outputs[0]));  // each module gets the previous one's output
  EXPECT_TRUE(inputs[2].is_same(outputs[1]));
  EXPECT_TRUE(outputs[2].is_same(y));
  auto fc = net.at<nn::Linear>(0);
  EXPECT_TRUE(ValuesEqual(outputs[0], xg::linear(x, fc->weight, fc->bias).to_vector(), 1e-12));
  EXPECT_TRUE(ValuesEqual(outputs[1], xg::tanh(outputs[0]).to_vector(), 1e-12));
}

TEST(ModuleHooks, PreHookAndForwardHookReplaceInputAndOutput) {
  nn::Linear fc(nn::LinearOptions(2, 2).dtype(xg::kFloat64));
  auto x = xg::randn({3, 2}, xg::kFloat64);
  auto twice = fc.forward(x * 2.0);
  fc.register_forward_pre_hook([](nn::Module&, const xg::Tensor& in) { return in * 2.0; });
  auto h = fc.register_forward_hook(
      [](nn::Module&, const xg::Tensor&, const xg::Tensor& out) { return out + 1.0; });
  EXPECT_TRUE(ValuesEqual(fc(x), (twice + 1.0).to_vector(), 1e-12));
  h.remove();
  EXPECT_TRUE(ValuesEqual(fc(x), twice.to_vector(), 1e-12));
  // forward() itself bypasses the hooks: they belong to the call.
  EXPECT_TRUE(ValuesEqual(fc.forward(x), fc.forward(x).to_vector()));
}

TEST(ModuleHooks, HandlesRemoveHooks) {
  nn::ReLU relu;
  int pre = 0, fwd = 0, bwd = 0;
  auto hp = relu.register_forward_pre_hook([&](nn::Module&, const xg::Tensor&) { ++pre; });
  auto hf =
      relu.register_forward_hook([&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++fwd; });
  auto hb = relu.register_full_backward_hook(
      [&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++bwd; });
  auto x = xg::randn({4}, xg::kFloat64).requires_grad_();
  relu(x).sum().backward();
  EXPECT_EQ(pre + fwd + bwd, 3);
  EXPECT_TRUE(hp.active() && hf.active() && hb.active());
  hp.remove();
  hf.remove();
  hb.remove();
  hb.remove();  // twice: nothing happens
  EXPECT_FALSE(hp.active() || hf.active() || hb.active());
  relu(x).sum().backward();
  EXPECT_EQ(pre + fwd + bwd, 3);
  // A handle that outlives its module does nothing either.
  nn::HookHandle orphan;
  {
    nn::ReLU temporary;
    orphan =
        temporary.register_forward_hook([](nn::Module&, const xg::Tensor&, const xg::Tensor&) {});
  }
  EXPECT_FALSE(orphan.active());
  orphan.remove();
}

TEST(ModuleHooks, FullBackwardHookSeesThisCallsGradients) {
  nn::Linear fc(nn::LinearOptions(3, 2).dtype(xg::kFloat64));
  auto x = xg::randn({4, 3}, xg::kFloat64).requires_grad_();
  xg::Tensor seen_in, seen_out;
  fc.register_full_backward_hook([&](nn::Module&, const xg::Tensor& gi, const xg::Tensor& go) {
    seen_in = gi;
    seen_out = go;
  });
  auto y = fc(x);
  // x is also used outside the module: grad_input must hold only the module's part.
  auto loss = (y * y).sum() + (x * 5.0).sum();
  loss.backward();
  ASSERT_TRUE(seen_in.defined() && seen_out.defined());
  EXPECT_TRUE(ValuesEqual(seen_out, (y * 2.0).to_vector(), 1e-12));  // dL/dy
  EXPECT_TRUE(
      ValuesEqual(seen_in, xg::matmul(seen_out, fc.weight).to_vector(), 1e-12));  // dL/dx via fc
  EXPECT_TRUE(ValuesEqual(x.grad(), (seen_in + 5.0).to_vector(), 1e-12));
}

TEST(ModuleHooks, BackwardHooksFireFromTheLastLayerToTheFirst) {
  auto net = make_net();
  std::vector<size_t> order;
  for (size_t i = 0; i < net.size(); ++i)
    net[i]->register_full_backward_hook(
        [&order, i](nn::Module&, const xg::Tensor&, const xg::Tensor&) { order.push_back(i); });
  auto x = xg::randn({5, 3}, xg::kFloat64);  // no grad: the first layer's grad_input is undefined
  xg::Tensor first_gi = xg::ones({1});
  net[0]->register_full_backward_hook([&](nn::Module&, const xg::Tensor& gi, const xg::Tensor& go) {
    first_gi = gi;
    EXPECT_TRUE(go.defined());
  });
  net(x).sum().backward();
  EXPECT_EQ(order, (std::vector<size_t>{2, 1, 0}));
  EXPECT_FALSE(first_gi.defined());
}

TEST(ModuleHooks, BackwardHookReplacesGradInput) {
  nn::Tanh act;
  auto x = xg::randn({3}, xg::kFloat64).requires_grad_();
  act(x).sum().backward();
  const auto plain = x.grad().to_vector();
  x.zero_grad();
  act.register_full_backward_hook(
      [](nn::Module&, const xg::Tensor& gi, const xg::Tensor&) { return gi * 3.0; });
  act(x).sum().backward();
  for (size_t i = 0; i < plain.size(); ++i)
    EXPECT_NEAR(x.grad().to_vector()[i], 3 * plain[i], 1e-12);

  act.register_full_backward_hook([](nn::Module&, const xg::Tensor&, const xg::Tensor&) {
    return xg::zeros({7}, xg::kFloat64);
  });
  EXPECT_TRUE(Contains(message_of<xg::ShapeError>([&] { act(x).sum().backward(); }),
                       "must match the input"));
}

TEST(ModuleHooks, SharedModuleGetsOneBackwardCallPerUse) {
  nn::MLP mlp({3, 4, 4, 2}, nn::MLPOptions().activation("tanh").dtype(xg::kFloat64));
  auto act = mlp.named_children().back().second;  // the one activation module, used twice
  ASSERT_EQ(act->name(), "Tanh");
  int forward_calls = 0;
  std::vector<xg::Shape> grads;
  act->register_forward_hook(
      [&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++forward_calls; });
  act->register_full_backward_hook(
      [&](nn::Module&, const xg::Tensor& gi, const xg::Tensor&) { grads.push_back(gi.shape()); });
  mlp(xg::randn({2, 3}, xg::kFloat64)).sum().backward();
  EXPECT_EQ(forward_calls, 2);
  EXPECT_EQ(grads.size(), 2u);
}

TEST(ModuleHooks, NoOpHooksChangeNothing) {
  nn::MLP a({4, 8, 3}, nn::MLPOptions().dtype(xg::kFloat64));
  nn::MLP b({4, 8, 3}, nn::MLPOptions().dtype(xg::kFloat64));
  {
    xg::NoGradGuard no_grad;
    for (size_t i = 0; i < a.parameters().size(); ++i) b.parameters()[i].copy_(a.parameters()[i]);
  }
  for (auto& [name, m] : b.named_modules()) {
    m->register_forward_pre_hook([](nn::Module&, const xg::Tensor&) {});
    m->register_forward_hook([](nn::Module&, const xg::Tensor&, const xg::Tensor&) {});
    m->register_full_backward_hook([](nn::Module&, const xg::Tensor&, const xg::Tensor&) {});
  }
  auto x = xg::randn({5, 4}, xg::kFloat64);
  auto ya = a(x), yb = b(x);
  EXPECT_TRUE(ValuesEqual(yb, ya.to_vector()));
  (ya * ya).sum().backward();
  (yb * yb).sum().backward();
  for (size_t i = 0; i < a.parameters().size(); ++i)
    EXPECT_TRUE(ValuesEqual(b.parameters()[i].grad(), a.parameters()[i].grad().to_vector()));
}

TEST(ModuleHooks, CopiesShareHooksAndEmptyHooksAreRefused) {
  nn::ReLU relu;
  int calls = 0;
  relu.register_forward_hook([&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++calls; });
  nn::ReLU copy = relu;
  copy(xg::ones({2}));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { relu.add_forward_hook(nn::ForwardHook()); }),
               "ReLU: register_forward_hook: the hook is empty"));
}

}  // namespace
