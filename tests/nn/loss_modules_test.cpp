// Loss modules: hand values as PyTorch computes them, equality with the functional losses for
// every reduction, gradcheck through the module, reduction by name, reprs and errors.
#include <cmath>
#include <memory>

#include <xgrad/nn/loss.hpp>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;
namespace nn = xg::nn;
using xg::Reduction;

const double kLog2 = std::log(2.0);

TEST(LossModules, MSEAndL1HandValues) {
  const auto x = t64({1, 2, 3}, {3}), y = t64({1, 0, 0}, {3});
  EXPECT_TRUE(ValuesEqual(nn::MSELoss()(x, y), {13.0 / 3}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::MSELoss(Reduction::Sum)(x, y), {13}));
  EXPECT_TRUE(ValuesEqual(nn::MSELoss("none")(x, y), {0, 4, 9}));
  EXPECT_TRUE(ValuesEqual(nn::L1Loss()(x, y), {5.0 / 3}, 1e-15));
  EXPECT_TRUE(ValuesEqual(nn::L1Loss("sum")(x, y), {5}));
  EXPECT_TRUE(ValuesEqual(nn::L1Loss(Reduction::None)(x, y), {0, 2, 3}));
}

TEST(LossModules, HuberHandValues) {
  const auto x = t64({1, 2, 3}, {3}), y = t64({1, 0, 0}, {3});
  // delta 1: |d| = 0, 2, 3 -> 0, 1 * (2 - 0.5), 1 * (3 - 0.5).
  EXPECT_TRUE(ValuesEqual(nn::HuberLoss()(x, y), {4.0 / 3}, 1e-15));
  // delta 2.5: 0, 0.5 * 2^2, 2.5 * (3 - 1.25).
  EXPECT_TRUE(ValuesEqual(nn::HuberLoss(2.5, Reduction::None)(x, y), {0, 2, 4.375}, 1e-15));
  EXPECT_TRUE(
      ValuesEqual(nn::HuberLoss(nn::HuberLossOptions().delta(2.5).reduction(Reduction::Sum))(x, y),
                  {6.375}, 1e-15));
}

TEST(LossModules, ClassificationHandValues) {
  const auto logits = t64({0, 0, 1, 2}, {2, 2});
  const auto labels = xg::tensor(std::vector<int64_t>{0, 1}, xg::Shape{2});
  const double row1 = 0.31326168751822286;  // -log_softmax([1, 2])[1] = log(1 + e^-1)
  EXPECT_TRUE(ValuesEqual(nn::CrossEntropyLoss()(logits, labels), {(kLog2 + row1) / 2}, 1e-15));
  EXPECT_TRUE(
      ValuesEqual(nn::CrossEntropyLoss(Reduction::None)(logits, labels), {kLog2, row1}, 1e-15));
  // Smoothing 0.2 over C = 2: targets 0.9 / 0.1. Row 0 is uniform (log 2 whatever the target).
  nn::CrossEntropyLoss smooth(
      nn::CrossEntropyLossOptions().label_smoothing(0.2).reduction(Reduction::None));
  EXPECT_TRUE(ValuesEqual(smooth(logits, labels), {kLog2, 0.4132616875182229}, 1e-15));

  const auto log_probs = t64({-1, -2, -0.5, -3}, {2, 2});
  const auto nll_labels = xg::tensor(std::vector<int64_t>{1, 0}, xg::Shape{2});
  EXPECT_TRUE(ValuesEqual(nn::NLLLoss()(log_probs, nll_labels), {1.25}));
  EXPECT_TRUE(ValuesEqual(nn::NLLLoss("sum")(log_probs, nll_labels), {2.5}));

  const auto targets = t64({1, 0}, {2});
  EXPECT_TRUE(ValuesEqual(nn::BCELoss("none")(t64({0.5, 0.9}, {2}), targets),
                          {kLog2, 2.3025850929940455}, 1e-14));
  EXPECT_TRUE(ValuesEqual(nn::BCEWithLogitsLoss("none")(t64({0, 2}, {2}), targets),
                          {kLog2, 2.1269280110429727}, 1e-14));
}

/// Each module gives exactly what its functional op gives, for every reduction and dtype.
TEST(LossModules, ModuleEqualsFunctionalLoss) {
  xg::manual_seed(1);
  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    const auto x = xg::randn({4, 3}, dtype), y = xg::randn({4, 3}, dtype);
    const auto p = xg::rand({4, 3}, dtype) * 0.8 + 0.1, t = xg::rand({4, 3}, dtype);
    const auto labels = xg::tensor(std::vector<int64_t>{0, 2, 1, 2}, xg::Shape{4});
    for (auto r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
      auto same = [&](const xg::Tensor& a, const xg::Tensor& b, const char* what) {
        EXPECT_EQ(a.dtype(), dtype) << what;
        EXPECT_EQ(a.shape(), b.shape()) << what;
        EXPECT_EQ(a.to_vector(), b.to_vector()) << what << " " << nn::reduction_name(r);
      };
      same(nn::MSELoss(r)(x, y), xg::mse_loss(x, y, r), "MSELoss");
      same(nn::L1Loss(r)(x, y), xg::l1_loss(x, y, r), "L1Loss");
      same(nn::HuberLoss(0.7, r)(x, y), xg::huber_loss(x, y, r, 0.7), "HuberLoss");
      same(nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().reduction(r).label_smoothing(0.1))(
               x, labels),
           xg::cross_entropy(x, labels, r, 0.1), "CrossEntropyLoss");
      same(nn::NLLLoss(r)(x, labels), xg::nll_loss(x, labels, r), "NLLLoss");
      same(nn::BCELoss(r)(p, t), xg::binary_cross_entropy(p, t, r), "BCELoss");
      same(nn::BCEWithLogitsLoss(r)(x, t), xg::binary_cross_entropy_with_logits(x, t, r),
           "BCEWithLogitsLoss");
    }
  }
}

TEST(LossModules, GradcheckThroughEveryModule) {
  xg::manual_seed(2);
  const auto x = away_from_zero_leaf({3, 4});  // |x - 0| > 0.2: away from L1's kink
  const auto zero = xg::zeros({3, 4}, xg::kFloat64);
  const auto y = randn_leaf({3, 4});
  const auto labels = xg::tensor(std::vector<int64_t>{3, 0, 1}, xg::Shape{3});
  const auto p = positive_leaf({3, 4}, 0.1, 0.9);
  const auto t = xg::rand({3, 4}, xg::kFloat64);
  for (auto r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
    nn::MSELoss mse(r);
    nn::L1Loss l1(r);
    nn::HuberLoss huber(3.0, r);  // |x - y| stays off 3 for these draws: smooth there
    nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().reduction(r).label_smoothing(0.05));
    nn::NLLLoss nll(r);
    nn::BCELoss bce(r);
    nn::BCEWithLogitsLoss bcel(r);
    const auto tag = nn::reduction_name(r);
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return mse(in[0], in[1]); }, {x, y}))
        << tag;
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return l1(in[0], zero); }, {x}))
        << tag;
    EXPECT_TRUE(
        GradcheckPasses([&](const xg::TensorList& in) { return huber(in[0], in[1]); }, {x, y}))
        << tag;
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return ce(in[0], labels); }, {x}))
        << tag;
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return nll(in[0], labels); }, {x}))
        << tag;
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return bce(in[0], t); }, {p}))
        << tag;
    EXPECT_TRUE(GradcheckPasses([&](const xg::TensorList& in) { return bcel(in[0], t); }, {x}))
        << tag;
  }
  nn::MSELoss mse;
  nn::CrossEntropyLoss ce;
  EXPECT_TRUE(
      GradgradcheckPasses([&](const xg::TensorList& in) { return mse(in[0], in[1]); }, {x, y}));
  EXPECT_TRUE(
      GradgradcheckPasses([&](const xg::TensorList& in) { return ce(in[0], labels); }, {x}));
}

TEST(LossModules, ReductionByName) {
  EXPECT_EQ(nn::reduction_from_string("mean"), Reduction::Mean);
  EXPECT_EQ(nn::reduction_from_string("sum"), Reduction::Sum);
  EXPECT_EQ(nn::reduction_from_string("none"), Reduction::None);
  EXPECT_EQ(nn::reduction_name(Reduction::Sum), "sum");
  EXPECT_EQ(nn::MSELoss("sum").reduction(), Reduction::Sum);
  const auto msg = message_of<xg::ValueError>([] { nn::MSELoss m("avg"); });
  EXPECT_TRUE(Contains(msg, "'avg'"));
  EXPECT_TRUE(Contains(msg, "'mean', 'sum' or 'none'"));
}

TEST(LossModules, NamesAndReprs) {
  auto repr = [](const nn::Module& m) { return m.name() + "(" + m.extra_repr() + ")"; };
  EXPECT_EQ(repr(nn::MSELoss()), "MSELoss()");
  EXPECT_EQ(repr(nn::MSELoss("sum")), "MSELoss(reduction='sum')");
  EXPECT_EQ(repr(nn::L1Loss()), "L1Loss()");
  EXPECT_EQ(repr(nn::HuberLoss()), "HuberLoss()");
  EXPECT_EQ(repr(nn::HuberLoss(0.5, Reduction::None)), "HuberLoss(delta=0.5, reduction='none')");
  EXPECT_EQ(repr(nn::CrossEntropyLoss()), "CrossEntropyLoss()");
  EXPECT_EQ(repr(nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().label_smoothing(0.1))),
            "CrossEntropyLoss(label_smoothing=0.1)");
  EXPECT_EQ(repr(nn::NLLLoss()), "NLLLoss()");
  EXPECT_EQ(repr(nn::BCELoss()), "BCELoss()");
  EXPECT_EQ(repr(nn::BCEWithLogitsLoss()), "BCEWithLogitsLoss()");
  EXPECT_EQ(nn::HuberLoss(0.5).delta(), 0.5);
  EXPECT_EQ(nn::CrossEntropyLoss().label_smoothing(), 0.0);
  EXPECT_EQ(nn::CrossEntropyLoss().num_parameters(), 0);
}

TEST(LossModules, UsableThroughTheLossBase) {
  std::vector<std::shared_ptr<nn::Loss>> losses = {std::make_shared<nn::MSELoss>(),
                                                   std::make_shared<nn::L1Loss>("sum")};
  const auto x = t64({1, 3}, {2}), y = t64({0, 0}, {2});
  EXPECT_TRUE(ValuesEqual((*losses[0])(x, y), {5}));
  EXPECT_TRUE(ValuesEqual(losses[1]->forward(x, y), {4}));
  // The single-input call of Module stays visible and says what a loss takes.
  const auto msg = message_of<xg::ValueError>([&] { (*losses[0])(x); });
  EXPECT_TRUE(Contains(msg, "MSELoss"));
  EXPECT_TRUE(Contains(msg, "(input, target)"));
}

TEST(LossModules, BadOptionsAndInputsAreErrors) {
  const auto delta = message_of<xg::ValueError>([] { nn::HuberLoss m(0.0); });
  EXPECT_TRUE(Contains(delta, "HuberLoss"));
  EXPECT_TRUE(Contains(delta, "delta"));
  EXPECT_THROW(nn::HuberLoss m(-1.0), xg::ValueError);
  const auto smoothing = message_of<xg::ValueError>(
      [] { nn::CrossEntropyLoss m(nn::CrossEntropyLossOptions().label_smoothing(1.5)); });
  EXPECT_TRUE(Contains(smoothing, "CrossEntropyLoss"));
  EXPECT_TRUE(Contains(smoothing, "1.5"));
  // Errors of the functional op come through unchanged, naming the op.
  EXPECT_THROW(nn::MSELoss()(t64({1, 2, 3}, {3}), t64({1, 2}, {2})), xg::ShapeError);
}

TEST(LossModules, TrainAndEvalAgree) {
  nn::BCEWithLogitsLoss loss;
  const auto x = t64({0.3, -2}, {2}), t = t64({1, 0}, {2});
  const auto a = loss(x, t).item();
  loss.eval();
  EXPECT_EQ(loss(x, t).item(), a);
}

}  // namespace
