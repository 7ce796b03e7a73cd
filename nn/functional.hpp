#pragma once
// xgrad::nn::functional: libtorch's torch::nn::functional names for the ops, so that
//   namespace F = xgrad::nn::functional;
//   auto y = F::relu(x);  auto loss = F::cross_entropy(logits, labels);
// reads as in libtorch. They are the ops themselves (namespace xgrad), with plain arguments in
// place of libtorch's *FuncOptions structs (see docs/from_libtorch.md).
#include <xgrad/ops/activation.hpp>
#include <xgrad/ops/elementwise.hpp>
#include <xgrad/ops/functional.hpp>
#include <xgrad/ops/linalg.hpp>
#include <xgrad/ops/loss.hpp>
#include <xgrad/ops/shape.hpp>

namespace xgrad::nn::functional {

using xgrad::binary_cross_entropy;
using xgrad::binary_cross_entropy_with_logits;
using xgrad::cross_entropy;
using xgrad::dropout;
using xgrad::elu;
using xgrad::gelu;
using xgrad::huber_loss;
using xgrad::l1_loss;
using xgrad::leaky_relu;
using xgrad::linear;
using xgrad::log_softmax;
using xgrad::mse_loss;
using xgrad::nll_loss;
using xgrad::one_hot;
using xgrad::relu;
using xgrad::sigmoid;
using xgrad::silu;
using xgrad::softmax;
using xgrad::softplus;
using xgrad::tanh;

}  // namespace xgrad::nn::functional
