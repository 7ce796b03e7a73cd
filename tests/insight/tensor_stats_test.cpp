// The monitor's tensor statistics and the SVG helpers' colour maps, on hand-worked values.
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace in = xgrad::insight;
using xgtest::t64;

TEST(TensorStats, NormsAndFiniteness) {
  EXPECT_DOUBLE_EQ(in::l2_norm(xg::tensor({3.0, 4.0})), 5.0);
  auto after = t64({1, 2, 2, 0, 0, 0, 0, 0, 0, 4}, {10});  // 10 elements: a full lane block + 2
  auto before = t64({1, 2, 2, 0, 0, 0, 0, 0, 0, 1}, {10});
  const auto u = in::update_norms(after, before);
  EXPECT_DOUBLE_EQ(u.after, 5.0);
  EXPECT_DOUBLE_EQ(u.before, std::sqrt(10.0));
  EXPECT_DOUBLE_EQ(u.delta, 3.0);
  EXPECT_THROW(in::update_norms(after, xg::zeros({3}, xg::kFloat64)), xg::ShapeError);

  for (auto dtype : {xg::kFloat32, xg::kFloat64}) {
    EXPECT_TRUE(in::all_finite(xg::zeros({37}, dtype)));
    for (double bad : {NAN, INFINITY, -INFINITY}) {
      // One bad element at the end, past the vectorised blocks.
      std::vector<double> v(37, 1.0);
      v[36] = bad;
      EXPECT_FALSE(in::all_finite(xg::tensor(v, {37}, dtype)));
      EXPECT_FALSE(std::isfinite(in::l2_norm(xg::tensor(v, {37}, dtype))));
    }
    EXPECT_TRUE(in::all_finite(xg::full({5}, 3.4e38, dtype)));  // large but finite
  }
  EXPECT_TRUE(in::all_finite(xg::tensor(std::vector<int64_t>{1, 2}, {2})));
  EXPECT_THROW(in::l2_norm(xg::tensor(std::vector<int64_t>{1, 2}, {2})), xg::DTypeError);
}

TEST(TensorStats, DeadUnitsAccumulateOverBatchesAndSaturationCounts) {
  std::vector<uint8_t> alive;
  in::mark_alive_units(t64({0, 1, 0, 0, 0, 0}, {2, 3}), alive);  // unit 1 fires once
  EXPECT_EQ(alive, (std::vector<uint8_t>{0, 1, 0}));
  in::mark_alive_units(t64({0, 0, 2}, {1, 3}), alive);  // a second batch wakes unit 2
  EXPECT_EQ(alive, (std::vector<uint8_t>{0, 1, 1}));
  EXPECT_EQ(in::count_saturated(t64({0.001, 0.5, 0.995, 0.98}, {4}), 0, 1, 0.01), 2);
  EXPECT_EQ(in::count_saturated(t64({-0.999, 0.0, 0.9999}, {3}), -1, 1, 0.01), 2);
}

TEST(Svg, ColourMapsAndEscaping) {
  EXPECT_EQ(in::viridis(0).hex(), "#440154");
  EXPECT_EQ(in::viridis(1).hex(), "#fde725");
  EXPECT_EQ(in::viridis(2).hex(), "#fde725");  // clamped
  EXPECT_EQ(in::diverging(0).hex(), "#f7f7f7");
  EXPECT_EQ(in::diverging(-1).hex(), "#2166ac");
  EXPECT_EQ(in::diverging(1).hex(), "#b2182b");
  EXPECT_EQ(in::gray(0.5).hex(), "#808080");
  EXPECT_EQ(in::xml_escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
  EXPECT_THROW(in::Svg(0, 10), xg::ValueError);
  in::Svg svg(10, 10);
  svg.rect(1, 2, 3, 4, in::gray(1), "tip <1>");
  EXPECT_NE(
      svg.str().find(
          R"(<rect x="1.00" y="2.00" width="3.00" height="4.00" fill="#ffffff"><title>tip &lt;1&gt;</title></rect>)"),
      std::string::npos);
}

}  // namespace
