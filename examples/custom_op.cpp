// A user-defined op, end to end: Swish with a learnable beta, y = x * sigmoid(beta * x).
//
// 1. define it as a struct with forward and backward (the torch::autograd::Function pattern),
// 2. register it by name with one line,
// 3. gradcheck it (and its second derivative) in float64,
// 4. train a small network that uses it, calling it by name through the op registry,
// 5. draw the graph of one forward pass with Graphviz.
//
//   ./build/examples/custom_op [--steps 2000] [--out .]
#include <CLI/CLI.hpp>

#include <cmath>
#include <xgrad/xgrad.hpp>

#include "support/cli.hpp"

namespace xg = xgrad;
using xg::Tensor;
using xg::TensorList;

struct Swish : xg::Function<Swish> {
  static constexpr const char* name = "swish";

  static Tensor forward(xg::AutogradContext* ctx, const Tensor& x, const Tensor& beta) {
    ctx->save_for_backward({x, beta});
    return x * xg::sigmoid(beta * x);
  }

  // With s = sigmoid(beta x) and s' = s (1 - s):
  //   dy/dx    = s + beta x s'
  //   dy/dbeta = x^2 s'            (summed over the elements beta was broadcast to)
  // Written with xgrad ops, so gradients of gradients work too.
  static TensorList backward(xg::AutogradContext* ctx, TensorList grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &beta = saved[1], &g = grad_outputs[0];
    const Tensor s = xg::sigmoid(beta * x);
    const Tensor ds = s * (1.0 - s);
    Tensor gx, gbeta;
    if (ctx->needs_input_grad(0)) gx = g * (s + beta * x * ds);
    if (ctx->needs_input_grad(1)) gbeta = xg::sum_to(g * x * x * ds, beta.shape());
    return {gx, gbeta};
  }
};
XGRAD_REGISTER_OP(Swish);  // now xg::ops::call("swish", {x, beta}) works

int run(int argc, char** argv) {
  CLI::App app{"Define, check, register and train with a custom op (Swish)"};
  int steps = 2000;
  std::string out_dir = ".";
  app.add_option("--steps", steps, "training steps")
      ->check(xgrad::examples::integer_in(1, 100000000));
  app.add_option("--out", out_dir, "where to write custom_op_graph.dot/.svg");
  CLI11_PARSE(app, argc, argv);

  // --- check the gradients in float64 ------------------------------------------------------
  xg::manual_seed(0);
  auto x64 = xg::randn({4, 3}, xg::kFloat64).requires_grad_();
  auto beta64 = xg::tensor({1.3}, xg::kFloat64).requires_grad_();
  auto swish = [](const TensorList& in) { return Swish::apply(in[0], in[1]); };
  const auto first = xg::gradcheck(swish, {x64, beta64});
  const auto second = xg::gradgradcheck(swish, {x64, beta64});
  fmt::print("gradcheck: {}   gradgradcheck: {}\n", first ? "ok" : first.message,
             second ? "ok" : second.message);
  if (!first || !second) return 1;

  // --- train y = sin(3x) on [-1, 1] with a 1-32-1 network using swish ---------------------
  const int64_t n = 256, hidden = 32;
  auto x = xg::arange(-1.0, 1.0, 2.0 / n).reshape({n, 1});
  auto y = xg::tensor(std::vector<double>(n), {n, 1});
  for (int64_t i = 0; i < n; ++i) y.data_ptr<float>()[i] = std::sin(3 * x.at({i, 0}));

  auto w1 = (xg::randn({hidden, 1}) * 1.0).requires_grad_();
  auto b1 = xg::zeros({hidden}).requires_grad_();
  auto w2 = (xg::randn({1, hidden}) * (1.0 / std::sqrt(hidden))).requires_grad_();
  auto b2 = xg::zeros({1}).requires_grad_();
  auto beta = xg::tensor({1.0}).requires_grad_();
  const std::vector<Tensor> params{w1, b1, w2, b2, beta};
  auto model = [&](const Tensor& input) {
    auto h = xg::ops::call("swish", {xg::linear(input, w1, b1), beta})[0];  // by name
    return xg::linear(h, w2, b2);
  };

  const double lr = 0.05;
  for (int step = 1; step <= steps; ++step) {
    for (const auto& p : params) p.zero_grad();
    auto loss = xg::mse_loss(model(x), y);
    loss.backward();
    {
      xg::NoGradGuard no_grad;
      for (const auto& p : params) p.sub_(p.grad(), lr);
    }
    if (step == 1 || step % (steps / 5 > 0 ? steps / 5 : 1) == 0)
      fmt::print("step {:5d}  mse {:.5f}  beta {:.4f}\n", step, loss.item(), beta.item());
  }

  // --- draw the graph of one forward pass -------------------------------------------------
  auto loss = xg::mse_loss(model(x), y);
  const std::string dot = out_dir + "/custom_op_graph.dot", svg = out_dir + "/custom_op_graph.svg";
  xg::write_dot(loss, dot, {{"w1", w1}, {"b1", b1}, {"w2", w2}, {"b2", b2}, {"beta", beta}});
  // Graphviz runs with an argument vector, never through a shell: --out is only ever a path.
  if (xgrad::examples::run_program({"dot", "-Tsvg", dot, "-o", svg})) {
    fmt::print("graph: {} (Graphviz source {})\n", svg, dot);
  } else {
    fmt::print("graph: {} (install graphviz and run dot -Tsvg to draw it)\n", dot);
  }
  return 0;
}

int main(int argc, char** argv) {
  return xgrad::examples::guarded_main("custom_op", [&] { return run(argc, argv); });
}
