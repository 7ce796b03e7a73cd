// ProgressBar in non-terminal mode (plain periodic lines) and terminal mode ('\r' redraws),
// with an injected clock so rates and ETAs are exact.
#include <gtest/gtest.h>

#include <sstream>

#include "core/test_helpers.hpp"
#include "support/progress_bar.hpp"

namespace {
namespace ex = xgrad::examples;
using xgtest::Contains;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ProgressBar, PlainLinesEveryTenPercentWhenNotATerminal) {
  std::ostringstream os;
  double t = 0;
  {
    ex::ProgressBar bar(
        20, ex::ProgressBarOptions().stream(&os).label("epoch 1/3").clock([&] { return t; }));
    for (int i = 0; i < 20; ++i) {
      t += 0.5;  // 64 samples per half second
      bar.update(64, i < 10 ? 1.0 : 0.5);
    }
    EXPECT_DOUBLE_EQ(bar.running_loss(), 0.75);
    EXPECT_DOUBLE_EQ(bar.rate(), 128.0);
    bar.finish();
  }
  const auto lines = lines_of(os.str());
  ASSERT_EQ(lines.size(), 10u) << os.str();  // 10%, 20%, ..., 100%; finish adds nothing
  EXPECT_EQ(lines[0], "epoch 1/3  2/20  10% | 128 samples/s | ETA 0:09 | loss 1.0000");
  EXPECT_TRUE(Contains(lines[4], "10/20  50%"));
  EXPECT_TRUE(Contains(lines[9], "20/20 100%"));
  EXPECT_TRUE(Contains(lines[9], "| 0:10 |"));  // total time instead of the ETA
  EXPECT_TRUE(Contains(lines[9], "loss 0.7500"));
  EXPECT_EQ(os.str().find('\r'), std::string::npos);
}

TEST(ProgressBar, StoppedEarlySaysWhere) {
  std::ostringstream os;
  {
    ex::ProgressBar bar(100, ex::ProgressBarOptions().stream(&os).unit("it"));
    bar.update();
  }  // the destructor finishes the bar
  const auto lines = lines_of(os.str());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(Contains(lines[0], "1/100   1%"));
  EXPECT_TRUE(Contains(lines[0], "it/s"));
  EXPECT_EQ(lines[0].find("loss"), std::string::npos);
}

TEST(ProgressBar, TerminalModeRedrawsOneLine) {
  std::ostringstream os;
  double t = 0;
  ex::ProgressBar bar(4, ex::ProgressBarOptions().stream(&os).tty(true).clock([&] { return t; }));
  for (int i = 0; i < 4; ++i) {
    t += 1.0;
    bar.update(10, 2.0);
  }
  bar.finish();
  const std::string out = os.str();
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);  // one line, ended once
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 5);  // 4 updates + the final draw
  EXPECT_TRUE(Contains(out, "[========================] 4/4 100%"));
  EXPECT_TRUE(Contains(out, "10 samples/s"));
  EXPECT_TRUE(Contains(out, "\x1b[K"));  // clears what a longer previous line left
}

TEST(ProgressBar, TerminalRedrawsAreThrottled) {
  std::ostringstream os;
  double t = 0;
  ex::ProgressBar bar(1000,
                      ex::ProgressBarOptions().stream(&os).tty(true).clock([&] { return t; }));
  for (int i = 0; i < 1000; ++i) {
    t += 0.001;  // 1 s in all: about 10 redraws
    bar.update(1);
  }
  bar.finish();
  const std::string out = os.str();
  const auto redraws = std::count(out.begin(), out.end(), '\r');
  EXPECT_GE(redraws, 9);
  EXPECT_LE(redraws, 13);
}

TEST(Format, DurationsAndCounts) {
  EXPECT_EQ(ex::format_duration(0), "0:00");
  EXPECT_EQ(ex::format_duration(185), "3:05");
  EXPECT_EQ(ex::format_duration(3723), "1:02:03");
  EXPECT_EQ(ex::format_duration(-1), "?");
  EXPECT_EQ(ex::format_count(950), "950");
  EXPECT_EQ(ex::format_count(12345), "12.3k");
  EXPECT_EQ(ex::format_count(4560000), "4.56M");
  EXPECT_EQ(ex::format_count(2.5), "2.5");
}

}  // namespace
