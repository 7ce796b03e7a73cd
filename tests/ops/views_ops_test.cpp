// Ops on non-contiguous views give exactly what they give on contiguous copies of the same
// elements, and gradients through chains of views pass float64 gradchecks.
#include <gtest/gtest.h>

#include <functional>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::GradcheckPasses;
using xgtest::GradgradcheckPasses;
using xgtest::randn_leaf;

using UnaryFn = std::function<xg::Tensor(const xg::Tensor&)>;

/// f(view) == f(view.contiguous()) element for element, and the view is not contiguous.
void expect_same_on_view(const xg::Tensor& view, const UnaryFn& f, const std::string& what) {
  ASSERT_FALSE(view.is_contiguous()) << what;
  const auto a = f(view);
  const auto b = f(view.contiguous());
  ASSERT_EQ(a.shape(), b.shape()) << what;
  EXPECT_EQ(a.to_vector(), b.to_vector()) << what;
}

/// Non-contiguous inputs of several kinds: transposed, stepped slice, column, expanded.
std::vector<std::pair<std::string, xg::Tensor>> views_2d(xg::DType dtype = xg::kFloat32) {
  xg::manual_seed(7);
  auto base = xg::randn({6, 8}, dtype);
  return {{"t", base.t().slice(1, 0, 4)},    // [8, 4]
          {"step", base.slice(1, 1, 8, 2)},  // [6, 4]
          {"narrow", base.narrow(1, 2, 4)},  // [6, 4]
          {"expand", base[0].narrow(0, 0, 4).expand({6, 4})}};
}

TEST(ViewsOps, ElementwiseAndActivations) {
  const std::vector<std::pair<std::string, UnaryFn>> fns = {
      {"exp", [](const xg::Tensor& x) { return x.exp(); }},
      {"log", [](const xg::Tensor& x) { return (x.abs() + 1).log(); }},
      {"relu", [](const xg::Tensor& x) { return x.relu(); }},
      {"sigmoid", [](const xg::Tensor& x) { return x.sigmoid(); }},
      {"tanh", [](const xg::Tensor& x) { return x.tanh(); }},
      {"neg", [](const xg::Tensor& x) { return -x; }},
      {"pow", [](const xg::Tensor& x) { return x.pow(3.0); }},
      {"gelu", [](const xg::Tensor& x) { return xg::gelu(x); }},
      {"clamp", [](const xg::Tensor& x) { return x.clamp(-0.5, 0.5); }},
      {"add_self", [](const xg::Tensor& x) { return x + x * 2 - x / 3; }},
      {"to64", [](const xg::Tensor& x) { return x.to(xg::kFloat64); }},
      {"clone", [](const xg::Tensor& x) { return x.clone(); }},
      {"gt", [](const xg::Tensor& x) { return x.gt(0.1); }},
      {"where", [](const xg::Tensor& x) { return xg::where(x.gt(0), x, x * 2); }},
      {"masked_fill", [](const xg::Tensor& x) { return x.masked_fill(x.lt(0), 0.0); }},
      {"dropout_eval", [](const xg::Tensor& x) { return xg::dropout(x, 0.5, false); }},
  };
  for (const auto& [vname, v] : views_2d())
    for (const auto& [fname, f] : fns) expect_same_on_view(v, f, vname + "/" + fname);
}

TEST(ViewsOps, BinaryWithTwoViewsAndBroadcast) {
  xg::manual_seed(1);
  auto a = xg::randn({4, 6});
  auto b = xg::randn({6, 4});
  auto at = a.t(), bt = b.t();  // [6, 4] and [4, 6]
  EXPECT_EQ((at * b).to_vector(), (at.contiguous() * b).to_vector());
  EXPECT_EQ((a - bt).to_vector(), (a - bt.contiguous()).to_vector());
  auto row = b[0].narrow(0, 0, 4).unsqueeze(0);  // [1, 4]
  EXPECT_EQ((at + row.expand({6, 4})).to_vector(), (at.contiguous() + row).to_vector());
  EXPECT_EQ((at / b.slice(0, 0, 6, 1)).to_vector(), (at.contiguous() / b).to_vector());
}

TEST(ViewsOps, ReductionsSoftmaxAndLosses) {
  const std::vector<std::pair<std::string, UnaryFn>> fns = {
      {"sum", [](const xg::Tensor& x) { return x.sum(); }},
      {"sum1", [](const xg::Tensor& x) { return x.sum(1); }},
      {"mean0", [](const xg::Tensor& x) { return x.mean(0, true); }},
      {"max", [](const xg::Tensor& x) { return x.max(1).values(); }},
      {"argmax", [](const xg::Tensor& x) { return x.argmax(1); }},
      {"argmin", [](const xg::Tensor& x) { return x.argmin(0); }},
      {"var", [](const xg::Tensor& x) { return x.var(1); }},
      {"norm", [](const xg::Tensor& x) { return x.norm(); }},
      {"logsumexp", [](const xg::Tensor& x) { return x.logsumexp(1); }},
      {"cumsum", [](const xg::Tensor& x) { return x.cumsum(1); }},
      {"topk", [](const xg::Tensor& x) { return x.topk(2, 1).indices(); }},
      {"sort", [](const xg::Tensor& x) { return x.sort(0).values(); }},
      {"softmax", [](const xg::Tensor& x) { return x.softmax(1); }},
      {"log_softmax", [](const xg::Tensor& x) { return x.log_softmax(0); }},
      {"any", [](const xg::Tensor& x) { return x.gt(1.0).any(1); }},
      {"mse", [](const xg::Tensor& x) { return xg::mse_loss(x, x.abs()); }},
      {"cross_entropy",
       [](const xg::Tensor& x) {
         auto labels = xg::zeros({x.size(0)}, xg::kInt64);
         return xg::cross_entropy(x, labels);
       }},
  };
  for (const auto& [vname, v] : views_2d())
    for (const auto& [fname, f] : fns) expect_same_on_view(v, f, vname + "/" + fname);
}

TEST(ViewsOps, MatmulCatStackGatherIndexSelect) {
  xg::manual_seed(3);
  auto a = xg::randn({5, 3}), b = xg::randn({4, 5});
  auto at = a.t(), bt = b.t();  // [3, 5], [5, 4]
  EXPECT_EQ(xg::matmul(at, bt).to_vector(),
            xg::matmul(at.contiguous(), bt.contiguous()).to_vector());
  EXPECT_EQ(xg::mm(at, bt).to_vector(), xg::mm(at.contiguous(), bt.contiguous()).to_vector());
  auto w = xg::randn({4, 3});
  EXPECT_EQ(xg::linear(a.t().t(), w).to_vector(), xg::linear(a, w).to_vector());
  auto w2 = xg::randn({2, 5});
  EXPECT_EQ(xg::linear(at, w2.t().contiguous().t()).to_vector(),
            xg::linear(at.contiguous(), w2).to_vector());
  auto batch = xg::randn({2, 4, 3});
  EXPECT_EQ(xg::bmm(batch.transpose(1, 2), batch).to_vector(),
            xg::bmm(batch.transpose(1, 2).contiguous(), batch).to_vector());
  EXPECT_EQ(xg::cat({at, at.slice(1, 0, 5, 2)}, 1).to_vector(),
            xg::cat({at.contiguous(), at.slice(1, 0, 5, 2).contiguous()}, 1).to_vector());
  EXPECT_EQ(xg::stack({at, at}, 0).to_vector(),
            xg::stack({at.contiguous(), at.contiguous()}, 0).to_vector());
  // An int64 view [3, 2] (strides [3, 1]): [[2, 0], [1, 1], [0, 2]].
  auto idx = xg::tensor({2, 0, 9, 1, 1, 9, 0, 2, 9}).reshape({3, 3}).slice(1, 0, 2);
  EXPECT_EQ(xg::gather(at, 1, idx.slice(0, 0, 3)).to_vector(),
            xg::gather(at.contiguous(), 1, idx.contiguous()).to_vector());
  EXPECT_EQ(xg::index_select(at, 1, idx.select(1, 0)).to_vector(),
            xg::index_select(at.contiguous(), 1, idx.select(1, 0).contiguous()).to_vector());
  EXPECT_EQ(xg::one_hot(idx, 3).to_vector(), xg::one_hot(idx.contiguous(), 3).to_vector());
}

TEST(ViewsOps, Int64AndBoolViews) {
  auto x = xg::arange(16).reshape({4, 4}).slice(1, 0, 4, 2);  // int64 [4, 2], strides [4, 2]
  ASSERT_FALSE(x.is_contiguous());
  EXPECT_EQ(x.sum().item<int64_t>(), 56);
  EXPECT_EQ((x + 1).to_vector(), (x.contiguous() + 1).to_vector());
  EXPECT_EQ(x.sum(0).to_vector(), x.contiguous().sum(0).to_vector());
  EXPECT_EQ(x.max().item<int64_t>(), 14);
  EXPECT_EQ(x.eq(x.contiguous()).all().item<bool>(), true);
  EXPECT_EQ(x.cumsum(0).to_vector(), x.contiguous().cumsum(0).to_vector());
  x += 1;  // int64 in place through a view
  EXPECT_EQ(x[0].to_vector(), (std::vector<double>{1, 3}));
}

TEST(ViewsOps, InPlaceOpsThroughViewsUnderNoGrad) {
  auto w = xg::zeros({3, 3}).requires_grad_();
  {
    xg::NoGradGuard no_grad;
    auto v = w.detach().t();
    v[0].add_(xg::ones({3}), 2.0);            // column 0
    v.narrow(0, 1, 2).mul_(3.0);              // no-op on zeros...
    v[2].copy_(xg::tensor({1.0, 2.0, 3.0}));  // column 2
    v.mul_(2.0);
    v.div_(xg::full({3, 3}, 2.0));
    v.sub_(xg::ones({3, 3}).t(), 1.0);
  }
  EXPECT_TRUE(xgtest::ValuesEqual(w, {1, -1, 0, 1, -1, 1, 1, -1, 2}));
}

TEST(ViewsOps, GradcheckThroughChainsOfViews) {
  xg::manual_seed(11);
  auto x = randn_leaf({3, 4, 5});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) { return in[0].transpose(0, 2).select(1, 2).sum(1); }, {x}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return in[0].permute({2, 0, 1}).slice(0, 1, 5, 2) *
               in[0].narrow(2, 0, 2).permute({2, 0, 1});
      },
      {x}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        auto parts = in[0].chunk(2, 2);
        return (parts[0].narrow(2, 0, 2).exp() + parts[1]).unsqueeze(0).squeeze(0).sum(0);
      },
      {x}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        auto s = in[0].split(2, 1);
        return xg::cat({s[1], s[0].transpose(0, 2).transpose(0, 2)}, 1).view({-1}).softmax(0);
      },
      {x}));
  auto m = randn_leaf({4, 4});
  auto v = randn_leaf({4});
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return in[0].diagonal(1) * in[1].narrow(0, 0, 3) + in[0].t().diagonal(-1);
      },
      {m, v}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        return xg::matmul(in[0].t(), in[1].unsqueeze(1).expand({4, 3})).tanh();
      },
      {m, v}));
  EXPECT_TRUE(GradcheckPasses(
      [](const xg::TensorList& in) {
        using namespace xg::indexing;
        return in[0].index({Slice(1, None, 2), Ellipsis}).t().contiguous().reshape({8}) * 2;
      },
      {m}));
  EXPECT_TRUE(GradgradcheckPasses(
      [](const xg::TensorList& in) { return (in[0].t().diagonal() * in[0][1]).pow(2.0); }, {m}));
  EXPECT_TRUE(GradgradcheckPasses(
      [](const xg::TensorList& in) { return xg::matmul(in[0].t(), in[0].slice(1, 0, 4, 2)); },
      {m}));
}

TEST(ViewsOps, OptimizerStepsAfterGradientsThroughViews) {
  // A leaf whose gradient arrives as an expanded/transposed view stores a contiguous .grad,
  // which the optimizers read flat.
  auto w = xg::ones({3, 2}).requires_grad_();
  (w.t().sum() + w.sum(0).sum()).backward();
  EXPECT_TRUE(w.grad().is_contiguous());
  auto opt = xg::optim::make("sgd", {w}, {{"lr", 0.5}});
  opt->step();
  EXPECT_TRUE(xgtest::ValuesEqual(w, {0, 0, 0, 0, 0, 0}));
}

}  // namespace
