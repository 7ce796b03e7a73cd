// Results table, CSV, JSON, plots and parameter importance.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <xgrad/xgrad.hpp>

#include "tune/tune_test_util.hpp"

namespace tune = xgrad::tune;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(Report, TableCsvJsonPlotsAndImportance) {
  tune::Study s(tune::StudyOptions().sampler("random").seed(4));
  s.optimize(
      [](tune::Trial& t) {
        const double a = t.suggest_float("a", 0, 1);
        const double b = t.suggest_float("b", 0, 1);
        const auto c = t.suggest_categorical("c", {"p,q", "r"});  // a comma: CSV must quote it
        return 10 * a * a + 0.1 * b + (c == "r" ? 0.0 : 0.01);
      },
      30);
  const auto table = tune::results_table(s, 5);
  EXPECT_NE(table.find("trial"), std::string::npos);
  EXPECT_NE(table.find(std::to_string(s.best_trial().number) + "*"), std::string::npos) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 6);

  const auto csv = tunetest::temp_path("trials.csv"), json = tunetest::temp_path("trials.json");
  tune::write_trials_csv(s, csv);
  tune::write_trials_json(s, json);
  const auto csv_text = slurp(csv);
  EXPECT_EQ(csv_text.rfind("number,state,value,duration_s,a,b,c,message\n", 0), 0u) << csv_text;
  EXPECT_EQ(std::count(csv_text.begin(), csv_text.end(), '\n'), 31);
  EXPECT_NE(csv_text.find("\"p,q\""), std::string::npos);
  EXPECT_NE(slurp(json).find("\"trials\""), std::string::npos);

  const auto imp = tune::param_importance(s);
  ASSERT_EQ(imp.size(), 3u);
  EXPECT_GT(imp.at("a"), 0.8) << "a explains almost all the variance";
  EXPECT_LT(imp.at("b"), 0.1);

  const auto dir = tunetest::temp_path("plots");
  tune::write_plots(s, dir);
  for (const char* f : {"/history.svg", "/slices.svg", "/importance.svg"}) {
    const auto svg = slurp(dir + f);
    EXPECT_EQ(svg.rfind("<svg", 0), 0u) << f;
    EXPECT_NE(svg.find("</svg>"), std::string::npos) << f;
  }
  EXPECT_THROW(tune::write_trials_csv(s, "/nonexistent-dir/x.csv"), xgrad::IOError);
}

TEST(Distribution, UnitBoxRoundTripsAndNeverDecodesInvalidValues) {
  const auto li = tune::Distribution::int_("w", 32, 512, true, 1);
  const auto st = tune::Distribution::int_("s", 0, 10, false, 3);  // 0, 3, 6, 9
  const auto cat = tune::Distribution::categorical("c", {"a", "b", "c"});
  for (double u = 0; u <= 1.0; u += 0.001) {
    const double w = li.from_unit(&u);
    EXPECT_EQ(w, std::round(w));
    EXPECT_GE(w, 32);
    EXPECT_LE(w, 512);
    const double s = st.from_unit(&u);
    EXPECT_EQ(std::fmod(s, 3.0), 0.0);
    EXPECT_LE(s, 9);
  }
  for (double v : {32.0, 33.0, 100.0, 511.0, 512.0}) {
    double u;
    li.to_unit(v, &u);
    EXPECT_EQ(li.from_unit(&u), v);
  }
  double oh[3];
  cat.to_unit(2, oh);
  EXPECT_EQ(cat.from_unit(oh), 2);
  EXPECT_EQ(st.size(), 4);
  EXPECT_EQ(st.hi, 9);
}

}  // namespace
