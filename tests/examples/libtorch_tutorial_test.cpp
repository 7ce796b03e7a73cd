// libtorch's C++ tutorials, as a libtorch user writes them, with `torch::` replaced by `xg::`
// (namespace xg = xgrad) and nothing else, except where a comment marked DIFFERENCE says why
// (the differences are listed in docs/from_libtorch.md). Sources: the autograd tutorial
// ("Autograd in C++ Frontend"), the custom-Function examples LinearFunction and MulConstant,
// and the frontend tutorial's Module + Adam + save/load.
#include <gtest/gtest.h>

#include <cstdio>
#include <tuple>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
using namespace xg::autograd;

TEST(LibtorchTutorial, AutogradBasics) {
  auto x = xg::ones({2, 2}, xg::requires_grad());
  auto y = x + 2;
  EXPECT_TRUE(y.grad_fn() != nullptr);
  auto z = y * y * 3;
  auto out = z.mean();
  out.backward();
  EXPECT_TRUE(xg::allclose(x.grad(), xg::full({2, 2}, 4.5)));

  auto a = xg::randn({2, 2});
  a = ((a * 3) / (a - 1));
  EXPECT_FALSE(a.requires_grad());
  a.requires_grad_(true);
  EXPECT_TRUE(a.requires_grad());
  auto b = (a * a).sum();
  EXPECT_TRUE(b.grad_fn() != nullptr);

  x = xg::randn(3, xg::requires_grad());
  y = x * 2;
  while (y.norm().item<double>() < 1000) {
    y = y * 2;
  }
  auto v = xg::tensor({0.1, 1.0, 0.0001}, xg::kFloat);
  y.backward(v);
  EXPECT_EQ(x.grad().sizes(), (xg::Shape{3}));

  EXPECT_TRUE(x.requires_grad());
  EXPECT_TRUE(x.pow(2).requires_grad());
  {
    xg::NoGradGuard no_grad;
    EXPECT_FALSE(x.pow(2).requires_grad());
  }
  y = x.detach();
  EXPECT_FALSE(y.requires_grad());
  EXPECT_TRUE(x.eq(y).all().item<bool>());
}

TEST(LibtorchTutorial, HigherOrderGradients) {
  auto model = xg::nn::Linear(4, 3);
  auto input = xg::randn({3, 4}).requires_grad_(true);
  auto output = model(input);
  auto target = xg::randn({3, 3});
  auto loss = xg::nn::functional::mse_loss(output, target);
  auto grad_output = xg::ones_like(output);
  auto gradient = xg::autograd::grad({output}, {input}, /*grad_outputs=*/{grad_output},
                                     /*create_graph=*/true)[0];
  auto gradient_penalty = xg::pow((gradient.norm(2, /*dim=*/1) - 1), 2).mean();
  auto combined_loss = loss + gradient_penalty;
  combined_loss.backward();
  EXPECT_EQ(input.grad().sizes(), (xg::Shape{3, 4}));
}

// Inherit from Function
class LinearFunction : public Function<LinearFunction> {
 public:
  // Note that both forward and backward are static functions

  // bias is an optional argument
  static xg::Tensor forward(AutogradContext* ctx, xg::Tensor input, xg::Tensor weight,
                            xg::Tensor bias = xg::Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) {
      output += bias.unsqueeze(0).expand_as(output);
    }
    return output;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0];
    auto weight = saved[1];
    auto bias = saved[2];

    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = xg::Tensor();
    if (bias.defined()) {
      grad_bias = grad_output.sum(0);
    }

    return {grad_input, grad_weight, grad_bias};
  }
};

class MulConstant : public Function<MulConstant> {
 public:
  static xg::Tensor forward(AutogradContext* ctx, xg::Tensor tensor, double constant) {
    // ctx is a context object that can be used to stash information
    // for backward computation
    ctx->saved_data["constant"] = constant;
    return tensor * constant;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    // We return as many input gradients as there were arguments.
    // Gradients of non-tensor arguments to forward must be `xg::Tensor()`.
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), xg::Tensor()};
  }
};

TEST(LibtorchTutorial, CustomFunctions) {
  auto x = xg::randn({2, 3}).requires_grad_();
  auto weight = xg::randn({4, 3}).requires_grad_();
  auto y = LinearFunction::apply(x, weight);
  y.sum().backward();
  EXPECT_TRUE(xg::allclose(x.grad(), weight.sum(0).unsqueeze(0).expand({2, 3}), 1e-5, 1e-5));
  EXPECT_TRUE(xg::allclose(weight.grad(), x.sum(0).unsqueeze(0).expand({4, 3}), 1e-5, 1e-5));

  auto bias = xg::randn({4}).requires_grad_();
  auto yb = LinearFunction::apply(x, weight, bias);
  yb.sum().backward();
  EXPECT_TRUE(xg::allclose(bias.grad(), xg::full({4}, 2.0)));

  auto x2 = xg::randn({2}).requires_grad_();
  auto y2 = MulConstant::apply(x2, 5.5);
  y2.sum().backward();
  EXPECT_TRUE(xg::allclose(x2.grad(), xg::full({2}, 5.5)));
}

struct Net : xg::nn::Module {
  Net(int64_t N, int64_t M) {
    W = register_parameter("W", xg::randn({N, M}));
    b = register_parameter("b", xg::randn(M));
  }
  xg::Tensor forward(xg::Tensor input) { return xg::addmm(b, input, W); }
  xg::Tensor W, b;
};

struct Composed : xg::nn::Module {
  Composed(int64_t N, int64_t M) {
    // DIFFERENCE: libtorch's `torch::nn::Linear linear{nullptr};` holder is a shared_ptr here.
    linear = register_module("linear", xg::nn::Linear(N, M));
    another_bias = register_parameter("b", xg::randn(M));
  }
  xg::Tensor forward(xg::Tensor input) { return linear->forward(input) + another_bias; }
  std::shared_ptr<xg::nn::Linear> linear;
  xg::Tensor another_bias;
};

TEST(LibtorchTutorial, ModuleAdamSaveLoad) {
  xg::manual_seed(1);
  Net net(4, 5);
  EXPECT_EQ(net.forward(xg::ones({2, 4})).sizes(), (xg::Shape{2, 5}));
  for (const auto& pair : net.named_parameters()) {
    EXPECT_TRUE(pair.key() == "W" || pair.key() == "b");
    EXPECT_TRUE(pair.value().requires_grad());
  }

  auto composed = std::make_shared<Composed>(4, 5);
  xg::optim::Adam optimizer(composed->parameters(),
                            xg::optim::AdamOptions(2e-2).betas(std::make_tuple(0.5, 0.999)));
  auto data = xg::randn({16, 4});
  auto target = xg::randn({16, 5});
  double first = 0, last = 0;
  for (int epoch = 0; epoch < 50; ++epoch) {
    optimizer.zero_grad();
    auto loss = xg::mse_loss(composed->forward(data), target);
    loss.backward();
    optimizer.step();
    (epoch == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first);

  // DIFFERENCE: files are safetensors, whatever the extension.
  const std::string model_path = ::testing::TempDir() + "/tutorial_net.pt";
  const std::string opt_path = ::testing::TempDir() + "/tutorial_opt.pt";
  xg::save(composed, model_path);
  xg::save(optimizer, opt_path);
  auto restored = std::make_shared<Composed>(4, 5);
  xg::load(restored, model_path);
  xg::optim::Adam optimizer2(restored->parameters(), xg::optim::AdamOptions(2e-2));
  xg::load(optimizer2, opt_path);
  EXPECT_TRUE(xg::allclose(restored->forward(data), composed->forward(data)));
  std::remove(model_path.c_str());
  std::remove(opt_path.c_str());
}
