// History: CSV contents and an SVG checked for well-formedness and for what it must show.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/test_helpers.hpp"
#include "support/history.hpp"

namespace {
namespace xg = xgrad;
namespace ex = xgrad::examples;
using xgtest::Contains;

ex::EpochRecord rec(int epoch, double train, double test, double acc) {
  ex::EpochRecord r;
  r.epoch = epoch;
  r.train_loss = train;
  r.test_loss = test;
  r.test_accuracy = acc;
  r.lr = 1e-3;
  r.seconds = 2.5;
  r.samples_per_sec = 24000;
  return r;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// A minimal XML well-formedness check (hand-written: std::regex draws GCC warnings under
// sanitizers): tags nest and close in order (self-closing allowed), attribute values are
// quoted, '&' starts an entity, and nothing but whitespace follows the root element.
::testing::AssertionResult WellFormed(const std::string& xml) {
  const auto fail = [](const std::string& why) { return ::testing::AssertionFailure() << why; };
  const auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_';
  };
  std::vector<std::string> stack;
  bool root_seen = false;
  size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const size_t semi = xml.find(';', i);
      const std::string entity = semi == std::string::npos ? "" : xml.substr(i, semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" &&
          entity != "&apos;")
        return fail("bad entity at " + std::to_string(i));
      i = semi + 1;
      continue;
    }
    if (xml[i] != '<') {
      if (root_seen && stack.empty() && !std::isspace(static_cast<unsigned char>(xml[i])))
        return fail("content after the root element");
      ++i;
      continue;
    }
    if (xml.compare(i, 2, "<?") == 0) {  // XML declaration
      const size_t end = xml.find("?>", i);
      if (end == std::string::npos || root_seen) return fail("bad <? ?>");
      i = end + 2;
      continue;
    }
    ++i;
    const bool closing = i < xml.size() && xml[i] == '/';
    if (closing) ++i;
    const size_t name_start = i;
    while (i < xml.size() && is_name(xml[i])) ++i;
    const std::string name = xml.substr(name_start, i - name_start);
    if (name.empty()) return fail("'<' without a tag name at " + std::to_string(name_start));
    while (true) {  // attributes: name="value"
      while (i < xml.size() && std::isspace(static_cast<unsigned char>(xml[i]))) ++i;
      if (i >= xml.size()) return fail("unterminated tag <" + name);
      if (xml[i] == '>' || xml[i] == '/') break;
      if (closing) return fail("attributes in </" + name + ">");
      const size_t attr = i;
      while (i < xml.size() && is_name(xml[i])) ++i;
      if (i == attr || i + 1 >= xml.size() || xml[i] != '=' || xml[i + 1] != '"')
        return fail("unquoted attribute in <" + name + ">");
      const size_t close = xml.find('"', i + 2);
      if (close == std::string::npos || xml.find('<', i + 2) < close)
        return fail("bad attribute value in <" + name + ">");
      i = close + 1;
    }
    const bool self_closing = xml[i] == '/';
    if (self_closing) ++i;
    if (i >= xml.size() || xml[i] != '>') return fail("bad end of tag <" + name);
    ++i;
    if (closing) {
      if (stack.empty() || stack.back() != name) return fail("unexpected </" + name + ">");
      stack.pop_back();
    } else {
      if (root_seen && stack.empty()) return fail("a second root element <" + name + ">");
      root_seen = true;
      if (!self_closing) stack.push_back(name);
    }
  }
  if (!root_seen) return fail("no root element");
  if (!stack.empty()) return fail("<" + stack.back() + "> not closed");
  return ::testing::AssertionSuccess();
}

TEST(History, CsvHasHeaderRowsAndEmptyCellsForNaN) {
  ex::History h;
  h.add(rec(1, 0.5, 0.25, 0.875));
  auto r2 = rec(2, 0.375, ex::EpochRecord::kNaN, ex::EpochRecord::kNaN);
  h.add(r2);
  EXPECT_EQ(h.to_csv(),
            "epoch,train_loss,test_loss,test_accuracy,lr,seconds,samples_per_sec\n"
            "1,0.5,0.25,0.875,0.001,2.5,24000\n"
            "2,0.375,,,0.001,2.5,24000\n");
  const auto dir = std::filesystem::temp_directory_path() / "xgrad_history_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "h.csv").string();
  h.write_csv(path);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), h.to_csv());
  std::filesystem::remove_all(dir);
  EXPECT_THROW(h.write_csv("/nonexistent-dir/x/h.csv"), xg::IOError);
}

TEST(History, BestAndBack) {
  ex::History h;
  EXPECT_THROW(h.back(), xg::ValueError);
  EXPECT_EQ(h.best("test_loss"), nullptr);
  h.add(rec(1, 0.9, 0.6, 0.80));
  h.add(rec(2, 0.7, 0.5, 0.85));
  h.add(rec(3, 0.6, 0.55, 0.86));
  EXPECT_EQ(h.best("test_loss")->epoch, 2);
  EXPECT_EQ(h.best("test_accuracy")->epoch, 3);
  EXPECT_EQ(h.back().epoch, 3);
  EXPECT_TRUE(
      Contains(xgtest::message_of<xg::ValueError>([&] { h.best("accuracy"); }), "test_accuracy"));
}

TEST(History, SvgIsWellFormedWithBothPanels) {
  ex::History h;
  for (int e = 1; e <= 12; ++e) h.add(rec(e, 1.0 / e, 1.2 / e + 0.05, 0.7 + 0.015 * e));
  const std::string svg = h.to_svg("MLP <784-256-10> & Adam");
  EXPECT_TRUE(WellFormed(svg));
  EXPECT_TRUE(Contains(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(Contains(svg, "MLP &lt;784-256-10&gt; &amp; Adam"));  // escaped title
  EXPECT_EQ(count(svg, "<polyline"), 3u);                           // train, test, accuracy
  EXPECT_EQ(count(svg, "<circle"), 36u);                            // a marker per point
  EXPECT_EQ(count(svg, ">epoch</text>"), 2u);                       // x labels of both panels
  EXPECT_TRUE(Contains(svg, ">loss</text>"));
  EXPECT_TRUE(Contains(svg, ">accuracy (%)</text>"));
  EXPECT_TRUE(Contains(svg, ">train loss</text>"));  // legend
  EXPECT_TRUE(Contains(svg, ">test loss</text>"));
  EXPECT_TRUE(Contains(svg, ">test accuracy</text>"));
  EXPECT_TRUE(Contains(svg, "best 88.00% at epoch 12"));
  EXPECT_GE(count(svg, "class=\"xtick\""), 4u);
  EXPECT_GE(count(svg, "class=\"ytick\""), 6u);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(History, SvgHandlesOneEpochConstantSeriesGapsAndNoData) {
  ex::History one;
  one.add(rec(1, 0.5, 0.5, 1.0));
  for (const auto& h : {one}) {
    const std::string svg = h.to_svg();
    EXPECT_TRUE(WellFormed(svg));
    EXPECT_EQ(count(svg, "<circle"), 3u);
    EXPECT_EQ(svg.find("nan"), std::string::npos);
    EXPECT_EQ(svg.find("inf"), std::string::npos);
  }
  ex::History flat;
  for (int e = 1; e <= 3; ++e) flat.add(rec(e, 0.0, 0.0, 0.5));
  const std::string flat_svg = flat.to_svg();
  EXPECT_TRUE(WellFormed(flat_svg));
  EXPECT_EQ(flat_svg.find("nan"), std::string::npos);
  ex::History gaps;  // no test evaluation in epoch 2: the test line breaks there
  gaps.add(rec(1, 0.9, 0.8, 0.6));
  gaps.add(rec(2, 0.8, ex::EpochRecord::kNaN, ex::EpochRecord::kNaN));
  gaps.add(rec(3, 0.7, 0.6, 0.7));
  const std::string gap_svg = gaps.to_svg();
  EXPECT_TRUE(WellFormed(gap_svg));
  EXPECT_EQ(count(gap_svg, "<polyline"), 5u);  // train 1, test 2, accuracy 2
  const std::string empty = ex::History().to_svg();
  EXPECT_TRUE(WellFormed(empty));
  EXPECT_TRUE(Contains(empty, "no data"));
}

TEST(History, WellFormedCheckCatchesBrokenXml) {
  EXPECT_FALSE(WellFormed("<svg><g></svg>"));
  EXPECT_FALSE(WellFormed("<svg><text>a < b</text></svg>"));
  EXPECT_FALSE(WellFormed("<svg x=1></svg>"));
  EXPECT_FALSE(WellFormed("<svg>a & b</svg>"));
  EXPECT_FALSE(WellFormed("<svg></svg><svg></svg>"));
  EXPECT_TRUE(WellFormed("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g/><text>x</text></svg>\n"));
}

}  // namespace
