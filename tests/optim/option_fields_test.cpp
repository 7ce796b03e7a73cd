// Options declared once (XGRAD_OPTIONS / XGRAD_OPTION): the field list follows the
// declarations, in order, for optimizer and scheduler options and for a user's struct.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace optim = xgrad::optim;

namespace {

// A user's options with comments and blank lines between the options: the lines in between
// do not matter, only the order of the XGRAD_OPTION lines.
struct ProbeOptions : optim::OptionsBase<ProbeOptions> {
  XGRAD_OPTIONS("Probe");
  ProbeOptions(double lr = 0.5) : lr_(lr) {}

  /// The step size.
  XGRAD_OPTION(double, lr);

  // Something in between.
  XGRAD_OPTION(int64_t, warmup) = 3;
  XGRAD_OPTION(bool, nesterov) = false;
  XGRAD_OPTION(std::string, mode) = "min";
  XGRAD_OPTION(optim::Betas, betas) = {0.9, 0.99};
  XGRAD_OPTION(std::vector<double>, weights) = {};
};

}  // namespace

TEST(OptionFields, UserStructListsItsOptionsInDeclarationOrder) {
  EXPECT_EQ(ProbeOptions().option_names(),
            (std::vector<std::string>{"lr", "warmup", "nesterov", "mode", "betas", "weights"}));
  EXPECT_STREQ(ProbeOptions::kName, "Probe");
}

TEST(OptionFields, FromMapAndToMapRoundTrip) {
  auto o = ProbeOptions::from_map({{"lr", 0.1}, {"warmup", 7}, {"mode", "max"}});
  EXPECT_EQ(o.lr(), 0.1);
  EXPECT_EQ(o.warmup(), 7);
  EXPECT_EQ(o.mode(), "max");
  EXPECT_EQ(o.betas(), (optim::Betas{0.9, 0.99}));  // default kept
  auto map = o.to_map();
  EXPECT_EQ(map.at("warmup"), xg::Value(7));
  EXPECT_EQ(ProbeOptions::from_map(map).to_map(), map);
}

TEST(OptionFields, UnknownKeyListsTheDeclaredOptions) {
  try {
    ProbeOptions::from_map({{"learning_rate", 0.1}});
    FAIL() << "expected ValueError";
  } catch (const xg::ValueError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Probe: unknown option 'learning_rate'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("lr, warmup, nesterov, mode, betas, weights"), std::string::npos) << msg;
  }
}

TEST(OptionFields, SettersChainAndGettersRead) {
  auto o = ProbeOptions(0.2).warmup(5).nesterov(true);
  EXPECT_EQ(o.lr(), 0.2);
  EXPECT_EQ(o.warmup(), 5);
  EXPECT_TRUE(o.nesterov());
}

TEST(OptionFields, BuiltInOptimizerOptionsKeepTheirNames) {
  EXPECT_EQ(
      optim::AdamOptions().option_names(),
      (std::vector<std::string>{"lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"}));
  EXPECT_EQ(optim::SGDOptions(0.1).option_names().front(), "lr");
  EXPECT_EQ(optim::AdamWOptions().to_map().at("weight_decay"), xg::Value(1e-2));
}

TEST(OptionFields, SchedulerOptionsReadIntegerLists) {
  auto o = optim::MultiStepLROptions::from_map({{"milestones", {2, 5}}, {"gamma", 0.5}});
  EXPECT_EQ(o.milestones(), (std::vector<int64_t>{2, 5}));
  EXPECT_EQ(o.gamma(), 0.5);
  EXPECT_EQ(optim::StepLROptions::from_map({{"step_size", 3}}).step_size(), 3);
}
