// insight::diagnose on constructed histories: each diagnosis fires on its case, names the
// evidence, and stays silent on a healthy history.
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace in = xgrad::insight;
using xgtest::Contains;
using xgtest::message_of;

/// A sample with `n` weight layers whose gradient norms are `grad(i)` and update ratios 1e-3.
template <class G>
in::Sample sample(int64_t step, int n, G grad, double ratio = 1e-3) {
  in::Sample s;
  s.step = step;
  for (int i = 0; i < n; ++i) {
    in::LayerSample l;
    l.name = "layers." + std::to_string(i);
    l.has_matrix = true;
    l.grad_norm = grad(i);
    l.weight_norm = 5;
    l.update_ratio = ratio;
    s.layers.push_back(l);
  }
  return s;
}

std::vector<std::string> kinds(const std::vector<in::Diagnosis>& found) {
  std::vector<std::string> out;
  for (const auto& d : found) out.push_back(d.kind);
  return out;
}

in::Sample healthy(int64_t step) {
  auto s = sample(step, 6, [](int i) { return 0.1 * (1 + 0.2 * i); });
  s.activations.push_back({"activation[0]", "layers.0", "relu", 64, 0.05, 0});
  s.activations.push_back({"act", "layers.1", "tanh", 64, 0, 0.02});
  return s;
}

TEST(Diagnosis, HealthyHistoryIsSilent) {
  std::vector<in::Sample> h = {healthy(0), healthy(10), healthy(20)};
  EXPECT_TRUE(in::diagnose(h).empty());
  EXPECT_TRUE(in::diagnose({}).empty());
}

TEST(Diagnosis, GeometricFallTowardsTheFirstLayerIsVanishing) {
  // Each layer's gradient 10x smaller than the next one's: 1e-9 at the first of 10.
  std::vector<in::Sample> h = {sample(0, 10, [](int i) { return std::pow(10.0, i - 9); })};
  auto found = in::diagnose(h);
  ASSERT_EQ(kinds(found), std::vector<std::string>{"vanishing"});
  EXPECT_TRUE(Contains(found[0].summary, "1.0e+09x smaller at layers.0 than at layers.9"));
  EXPECT_TRUE(Contains(found[0].evidence, "x0.1 per layer"));
  EXPECT_TRUE(Contains(found[0].evidence, "R^2 = 1.00"));
  EXPECT_FALSE(found[0].suggestion.empty());
  // A fall of 10x only (under the default span of 1e2) is not.
  EXPECT_TRUE(
      in::diagnose({sample(0, 10, [](int i) { return std::pow(10.0, (i - 9) / 9.0); })}).empty());
}

TEST(Diagnosis, FrozenFirstLayerIsVanishing) {
  auto s = healthy(0);
  s.layers.front().update_ratio = 1e-8;  // the gradients look fine, the first layer does not move
  auto found = in::diagnose({s});
  ASSERT_EQ(kinds(found), std::vector<std::string>{"vanishing"});
  EXPECT_TRUE(Contains(found[0].evidence, "1.0e-08 at layers.0 against 1.0e-03 at layers.5"));
}

TEST(Diagnosis, NonFiniteValuesAreExplodingWithTheirOrigin) {
  auto bad = healthy(20);
  bad.non_finite = "forward: output of layers.3";
  bad.layers[2].grad_norm = INFINITY;
  auto found = in::diagnose({healthy(0), healthy(10), bad});
  ASSERT_EQ(kinds(found), std::vector<std::string>{"exploding"});
  EXPECT_TRUE(Contains(found[0].evidence, "first seen at step 20 in forward: output of layers.3"));
}

TEST(Diagnosis, NormGrowingByOrdersOfMagnitudeIsExploding) {
  std::vector<in::Sample> h;
  for (int k = 0; k < 4; ++k)
    h.push_back(sample(10 * k, 4, [k](int) { return std::pow(30.0, k); }));
  auto found = in::diagnose(h);
  ASSERT_EQ(kinds(found), std::vector<std::string>{"exploding"});
  EXPECT_TRUE(Contains(found[0].summary, "grew 2.7e+04x in 30 steps"));
  // Growth older than the window is forgotten.
  h.push_back(sample(40, 4, [](int) { return std::pow(30.0, 3); }));
  h.push_back(sample(50, 4, [](int) { return std::pow(30.0, 3); }));
  h.push_back(sample(60, 4, [](int) { return std::pow(30.0, 3); }));
  EXPECT_TRUE(in::diagnose(h).empty());
}

TEST(Diagnosis, GeometricRiseTowardsTheFirstLayerIsExploding) {
  auto found = in::diagnose({sample(0, 8, [](int i) { return std::pow(4.0, 7 - i); })});
  ASSERT_EQ(kinds(found), std::vector<std::string>{"exploding"});
  EXPECT_TRUE(Contains(found[0].summary, "larger at layers.0 than at layers.7"));
}

TEST(Diagnosis, DeadReluAndSaturation) {
  auto s = healthy(0);
  s.activations.push_back({"activation[1]", "layers.1", "relu", 128, 0.75, 0});
  s.activations.push_back({"sig", "layers.2", "sigmoid", 32, 0, 0.6});
  auto found = in::diagnose({s});
  ASSERT_EQ(kinds(found), (std::vector<std::string>{"dead_relu", "saturation"}));
  EXPECT_TRUE(Contains(found[0].evidence, "activation[1] after layers.1: 75% of 128 units"));
  EXPECT_TRUE(Contains(found[1].evidence, "sig after layers.2 (sigmoid): 60% of outputs"));
}

TEST(Diagnosis, LearningRateFarFromTheHealthyUpdateRatio) {
  auto high = in::diagnose({sample(
      0, 4, [](int) { return 1.0; }, 0.5)});
  ASSERT_EQ(kinds(high), std::vector<std::string>{"lr_too_high"});
  EXPECT_TRUE(Contains(high[0].suggestion, "divide the learning rate by about 500"));
  auto low = in::diagnose({sample(
      0, 4, [](int) { return 1.0; }, 1e-7)});
  ASSERT_EQ(kinds(low), std::vector<std::string>{"lr_too_low"});
  EXPECT_TRUE(Contains(low[0].suggestion, "multiply the learning rate by about 10000"));
  // 1e-4 and 1e-2 are within two orders of magnitude of 1e-3: silent.
  EXPECT_TRUE(in::diagnose({sample(
                               0, 4, [](int) { return 1.0; }, 1e-4)})
                  .empty());
  EXPECT_TRUE(in::diagnose({sample(
                               0, 4, [](int) { return 1.0; }, 1e-2)})
                  .empty());
}

TEST(Diagnosis, BadOptionsAreValueErrors) {
  EXPECT_TRUE(Contains(
      message_of<xg::ValueError>([] { in::diagnose({}, in::DiagnosisOptions().window(0)); }),
      "diagnose: window must be >= 1, got 0"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>(
                           [] { in::diagnose({}, in::DiagnosisOptions().lr_low(1).lr_high(0.5)); }),
                       "lr_low (1) must be below lr_high (0.5)"));
  EXPECT_THROW(in::diagnose({}, in::DiagnosisOptions().layer_span(-1)), xg::ValueError);
}

TEST(Diagnosis, ToStringShowsEverything) {
  in::Diagnosis d{"dead_relu", "summary", "the evidence", "the fix", 40};
  EXPECT_EQ(d.to_string(),
            "[dead_relu] step 40: summary\n  evidence: the evidence\n  try: the fix");
}

}  // namespace
