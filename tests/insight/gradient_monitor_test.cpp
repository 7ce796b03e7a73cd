// insight::GradientMonitor on real models: what it records, when it samples, where it finds
// non-finite values, that each diagnosis fires on a broken model and none on a healthy one.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace in = xgrad::insight;
using xgtest::Contains;
using xgtest::message_of;

std::vector<std::string> kinds(const std::vector<in::Diagnosis>& found) {
  std::vector<std::string> out;
  for (const auto& d : found) out.push_back(d.kind);
  return out;
}

/// Trains `model` with SGD for `steps` steps on a fixed random classification batch.
void train(nn::Module& model, in::GradientMonitor& monitor, int steps, double lr,
           int64_t inputs = 16, int64_t classes = 4) {
  xg::manual_seed(11);
  auto x = xg::randn({64, inputs});
  auto y = xg::argmax(xg::matmul(x, xg::randn({inputs, classes})), 1);
  xg::optim::SGD opt(model.parameters(), xg::optim::SGDOptions(lr));
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    xg::cross_entropy(model(x), y).backward();
    opt.step();
    monitor.step();
  }
}

TEST(GradientMonitor, RecordsNormsAndUpdateRatiosEveryNSteps) {
  xg::manual_seed(1);
  nn::MLP model({16, 32, 4});
  in::GradientMonitor monitor(model, in::MonitorOptions().every(3));
  xg::manual_seed(2);
  auto x = xg::randn({8, 16});
  auto y = xg::argmax(xg::randn({8, 4}), 1);
  const double lr = 0.1;
  xg::optim::SGD opt(model.parameters(), xg::optim::SGDOptions(lr));
  auto w0 = model.layers->at<nn::Linear>(0)->weight;
  auto b0 = model.layers->at<nn::Linear>(0)->bias;
  double expected_grad = 0, expected_ratio = 0;
  for (int s = 0; s < 7; ++s) {
    opt.zero_grad();
    xg::cross_entropy(model(x), y).backward();
    if (s == 6) {
      const double g2 = std::pow(in::l2_norm(w0.grad()), 2) + std::pow(in::l2_norm(b0.grad()), 2);
      const double w2 = std::pow(in::l2_norm(w0), 2) + std::pow(in::l2_norm(b0), 2);
      expected_grad = std::sqrt(g2);
      expected_ratio = lr * std::sqrt(g2) / std::sqrt(w2);  // plain SGD: the update is lr * grad
    }
    opt.step();
    monitor.step();
  }
  EXPECT_EQ(monitor.steps(), 7);
  ASSERT_EQ(monitor.samples().size(), 3u);  // steps 0, 3, 6
  EXPECT_EQ(monitor.samples()[1].step, 3);
  const auto& last = monitor.samples().back();
  ASSERT_EQ(last.layers.size(), 2u);
  EXPECT_EQ(last.layers[0].name, "layers.0");
  EXPECT_TRUE(last.layers[0].has_matrix);
  EXPECT_NEAR(last.layers[0].grad_norm, expected_grad, 1e-6 * expected_grad);
  EXPECT_NEAR(last.layers[0].update_ratio, expected_ratio, 1e-4 * expected_ratio);
  ASSERT_EQ(last.activations.size(), 1u);
  EXPECT_EQ(last.activations[0].name, "activation");
  EXPECT_EQ(last.activations[0].after, "layers.0");
  EXPECT_EQ(last.activations[0].units, 32);
  EXPECT_TRUE(last.non_finite.empty());
  EXPECT_TRUE(Contains(monitor.report(), "layers.1"));
}

TEST(GradientMonitor, LayersInForwardOrderAndSharedActivationsNumbered) {
  xg::manual_seed(1);
  nn::MLP model({8, 8, 8, 2}, nn::MLPOptions().layer_norm(true));
  in::GradientMonitor monitor(model, in::MonitorOptions().every(1));
  train(model, monitor, 1, 0.01, 8, 2);
  const auto& s = monitor.samples().at(0);
  std::vector<std::string> names;
  for (const auto& l : s.layers) names.push_back(l.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"layers.0", "norms.0", "layers.1", "norms.1", "layers.2"}));
  ASSERT_EQ(s.activations.size(), 2u);
  EXPECT_EQ(s.activations[1].name, "activation[1]");
  EXPECT_EQ(s.activations[1].after, "layers.1");
}

TEST(GradientMonitor, HealthyMlpGivesNoDiagnosis) {
  xg::manual_seed(5);
  nn::MLP model({16, 64, 64, 64, 4});  // ReLU, Kaiming-uniform init
  in::GradientMonitor monitor(model, in::MonitorOptions().every(5));
  train(model, monitor, 40, 0.05);
  EXPECT_EQ(monitor.samples().size(), 8u);
  EXPECT_TRUE(monitor.diagnose().empty()) << monitor.report();
}

TEST(GradientMonitor, DeepSigmoidWithUnitInitVanishesAndSaturates) {
  xg::manual_seed(5);
  std::vector<int64_t> sizes(16, 32);
  sizes.front() = 16;
  sizes.back() = 4;
  nn::MLP model(sizes, nn::MLPOptions().activation("sigmoid"));
  {
    xg::NoGradGuard no_grad;
    for (auto& p : model.parameters()) p.copy_(xg::randn(p.shape()));  // N(0, 1)
  }
  in::GradientMonitor monitor(model, in::MonitorOptions().every(2));
  train(model, monitor, 6, 0.1);
  auto found = kinds(monitor.diagnose());
  EXPECT_NE(std::find(found.begin(), found.end(), "vanishing"), found.end()) << monitor.report();
  EXPECT_NE(std::find(found.begin(), found.end(), "saturation"), found.end()) << monitor.report();
}

TEST(GradientMonitor, DeadReluLayerIsFoundAndNamed) {
  xg::manual_seed(5);
  nn::MLP model({16, 32, 32, 4});
  {
    xg::NoGradGuard no_grad;
    model.layers->at<nn::Linear>(1)->bias.fill_(-100);  // every unit after layers.1 is off
  }
  in::GradientMonitor monitor(model, in::MonitorOptions().every(1));
  train(model, monitor, 2, 0.05);
  auto found = monitor.diagnose();
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].kind, "dead_relu");
  EXPECT_TRUE(Contains(found[0].evidence, "activation[1] after layers.1: 100% of 32 units"));
}

TEST(GradientMonitor, HugeLearningRateExplodesAndIsTooHigh) {
  xg::manual_seed(5);
  nn::MLP model({16, 64, 64, 4});
  in::GradientMonitor monitor(model, in::MonitorOptions().every(1));
  train(model, monitor, 8, 5.0);
  auto found = kinds(monitor.diagnose());
  EXPECT_NE(std::find(found.begin(), found.end(), "lr_too_high"), found.end()) << monitor.report();
  xg::manual_seed(5);
  nn::MLP slow({16, 64, 64, 4});
  in::GradientMonitor slow_monitor(slow, in::MonitorOptions().every(1));
  train(slow, slow_monitor, 3, 1e-7);
  EXPECT_EQ(kinds(slow_monitor.diagnose()), std::vector<std::string>{"lr_too_low"});
}

/// sqrt as a module: finite forward at 0, infinite gradient there.
struct Sqrt : nn::Module {
  xg::Tensor forward(const xg::Tensor& x) override { return xg::sqrt(x); }
  std::string name() const override { return "Sqrt"; }
};

TEST(GradientMonitor, NonFiniteValuesAreTracedToTheModuleThatMadeThem) {
  xg::manual_seed(5);
  nn::Sequential forward_bad(nn::Linear(4, 4), nn::Linear(4, 2));
  {
    xg::NoGradGuard no_grad;
    forward_bad.at<nn::Linear>(1)->weight.fill_(INFINITY);
  }
  in::GradientMonitor m1(forward_bad, in::MonitorOptions().every(1));
  forward_bad(xg::randn({3, 4})).sum().backward();
  m1.step();
  EXPECT_EQ(m1.samples().at(0).non_finite,
            "forward: output of 1 (its parameters were already non-finite: an earlier update made "
            "them so)");
  EXPECT_TRUE(std::isinf(m1.samples().at(0).layers.at(1).weight_norm));

  nn::Sequential backward_bad(nn::Linear(4, 4), Sqrt(), nn::Linear(4, 2));
  {
    xg::NoGradGuard no_grad;
    backward_bad.at<nn::Linear>(0)->weight.zero_();  // sqrt(0): finite forward, inf gradient
    backward_bad.at<nn::Linear>(0)->bias.zero_();
  }
  in::GradientMonitor m2(backward_bad, in::MonitorOptions().every(1));
  backward_bad(xg::randn({3, 4})).sum().backward();
  m2.step();
  EXPECT_EQ(m2.samples().at(0).non_finite, "backward: gradient of the input of 1");
  EXPECT_EQ(kinds(m2.diagnose()).at(0), "exploding");
}

TEST(GradientMonitor, HooksOnlyWhileSamplingAndEvaluationIgnored) {
  xg::manual_seed(1);
  nn::MLP model({4, 8, 2}, nn::MLPOptions().layer_norm(true));  // forward order != registration
  int calls = 0;
  auto probe = [&](nn::Module&, const xg::Tensor&, const xg::Tensor&) { ++calls; };
  {
    in::GradientMonitor monitor(model, in::MonitorOptions().every(2));
    model.eval();
    model(xg::randn({3, 4}));  // an evaluation pass while armed: not counted
    model.train();
    EXPECT_TRUE(monitor.samples().empty());
    monitor.step();  // step 0: sample taken (no gradients: NaN grad norms), disarmed
    ASSERT_EQ(monitor.samples().size(), 1u);
    EXPECT_TRUE(monitor.samples()[0].activations.empty());
    EXPECT_TRUE(std::isnan(monitor.samples()[0].layers[0].grad_norm));
    monitor.step();                             // step 1: not sampled
    model(xg::randn({3, 4})).sum().backward();  // step 2: sampled, with a forward
    monitor.step();
    ASSERT_EQ(monitor.samples().size(), 2u);
    // The first sample saw no forward; it is put in forward order with the second.
    for (const auto& sample : monitor.samples()) {
      ASSERT_EQ(sample.layers.size(), 3u);
      EXPECT_EQ(sample.layers[1].name, "norms.0");
    }
  }
  // The monitor is gone: its hooks too; the model's own hooks still work.
  auto h = model.layers->at(0)->register_forward_hook(probe);
  model(xg::randn({3, 4}));
  EXPECT_EQ(calls, 1);
  h.remove();
}

TEST(GradientMonitor, BackwardAfterTheMonitorIsGoneIsSafe) {
  xg::manual_seed(1);
  nn::MLP model({4, 8, 2});
  auto x = xg::randn({3, 4});
  xg::Tensor out;
  {
    in::GradientMonitor monitor(model);  // step 0 is sampled: its hooks are in this graph
    out = model(x);
  }
  out.sum().backward();
  auto with_graph_of_monitor = model.layers->at<nn::Linear>(0)->weight.grad().to_vector();
  model.zero_grad();
  model(x).sum().backward();
  EXPECT_EQ(model.layers->at<nn::Linear>(0)->weight.grad().to_vector(), with_graph_of_monitor);
}

TEST(GradientMonitor, SvgAndBadOptions) {
  xg::manual_seed(5);
  nn::MLP model({16, 32, 4});
  in::GradientMonitor monitor(model, in::MonitorOptions().every(2));
  EXPECT_THROW(monitor.write_svg("/tmp/never.svg"), xg::ValueError);  // no sample yet
  train(model, monitor, 6, 0.05);
  const std::string path = ::testing::TempDir() + "monitor_test.svg";
  monitor.write_svg(path, "a <title>");
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_TRUE(Contains(text.str(), "<svg"));
  EXPECT_TRUE(Contains(text.str(), "a &lt;title&gt;"));
  EXPECT_TRUE(Contains(text.str(), "layers.1 step 4: grad norm"));
  std::remove(path.c_str());
  EXPECT_THROW(monitor.write_svg("/nonexistent-dir/x.svg"), xg::IOError);

  EXPECT_TRUE(Contains(message_of<xg::ValueError>(
                           [&] { in::GradientMonitor(model, in::MonitorOptions().every(0)); }),
                       "GradientMonitor: every must be >= 1, got 0"));
  EXPECT_THROW(in::GradientMonitor(model, in::MonitorOptions().saturation_margin(0.7)),
               xg::ValueError);
  nn::ReLU no_params;
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { in::GradientMonitor m(no_params); }),
                       "has no parameters"));
}

}  // namespace
