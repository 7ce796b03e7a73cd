// The regularizer registry: built-ins by name, option maps, errors listing what is valid, and
// a user regularizer registered with one line.
#include <gtest/gtest.h>

#include <algorithm>

#include <xgrad/optim/regularizers/regularizer_registry.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace optim = xgrad::optim;
using xgtest::Contains;
using xgtest::message_of;
using xgtest::t64;
using xgtest::ValuesEqual;

/// A user regularizer: λ·Σθ⁴, which punishes large weights harder than L2.
class L4 : public optim::Regularizer {
 public:
  explicit L4(const optim::OptionMap& options)
      : L4(optim::regularizer_options_from_map(options, "make_regularizer(\"l4\")")) {}
  explicit L4(const optim::RegularizerOptions& o)
      : Regularizer("L4", o.lambda(), o.skip_1d(), o.filter()) {}
  std::string name() const override { return "L4"; }

 protected:
  xg::Tensor term(const xg::Tensor& p) const override { return xg::pow(p, 4.0).sum(); }
};

}  // namespace

XGRAD_REGISTER_REGULARIZER("l4", L4);

namespace {

bool has_name(const std::string& name) {
  const auto names = optim::regularizer_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(RegularizerRegistry, BuiltinsAreListedSorted) {
  for (const char* n : {"l1", "l2", "elastic_net", "elasticnet"}) EXPECT_TRUE(has_name(n)) << n;
  const auto names = optim::regularizer_names();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(RegularizerRegistry, MakesTheNamedClassWithItsOptions) {
  auto w = t64({1, -2}, {1, 2});
  auto b = t64({4}, {1});
  auto l2 = optim::make_regularizer("l2", {{"lambda", 0.5}, {"skip_1d", true}});
  EXPECT_EQ(l2->name(), "L2");
  EXPECT_DOUBLE_EQ(l2->lambda(), 0.5);
  EXPECT_DOUBLE_EQ(l2->penalty({w, b}).item(), 2.5);         // b skipped
  auto l1 = optim::make_regularizer("l1", {{"lambda", 2}});  // an int is a number too
  EXPECT_DOUBLE_EQ(l1->penalty({w, b}).item(), 14.0);
  auto en = optim::make_regularizer("elasticnet", {{"lambda", 1.0}, {"alpha", 0.5}});
  EXPECT_EQ(en->name(), "ElasticNet");
  EXPECT_DOUBLE_EQ(en->penalty({w}).item(), 0.5 * 3 + 0.5 * 5);
  EXPECT_DOUBLE_EQ(optim::make_regularizer("l2")->lambda(), 0.0);  // defaults
}

TEST(RegularizerRegistry, UnknownNameListsTheKnownOnes) {
  const auto msg = message_of<xg::ValueError>([] { optim::make_regularizer("l3"); });
  EXPECT_TRUE(Contains(msg, "make_regularizer: no regularizer named 'l3'"));
  EXPECT_TRUE(Contains(msg, "elastic_net, elasticnet, l1, l2"));
}

TEST(RegularizerRegistry, UnknownOptionListsTheValidKeys) {
  const auto msg = message_of<xg::ValueError>([] {
    optim::make_regularizer("l2", {{"lamda", 1e-4}});
  });
  EXPECT_TRUE(Contains(msg, "lamda"));
  EXPECT_TRUE(Contains(msg, "lambda, skip_1d"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         optim::make_regularizer("l1", {{"alpha", 0.5}});
                       }),
                       "alpha"));
}

TEST(RegularizerRegistry, IllTypedOptionListsTheValidKeys) {
  const auto msg = message_of<xg::ValueError>([] {
    optim::make_regularizer("l2", {{"lambda", "big"}});
  });
  EXPECT_TRUE(Contains(msg, "make_regularizer(\"l2\")"));
  EXPECT_TRUE(Contains(msg, "lambda"));
  EXPECT_TRUE(Contains(msg, "valid options: lambda, skip_1d"));
  const auto msg2 = message_of<xg::ValueError>([] {
    optim::make_regularizer("elastic_net", {{"skip_1d", 1.0}});
  });
  EXPECT_TRUE(Contains(msg2, "valid options: alpha, lambda, skip_1d"));
}

TEST(RegularizerRegistry, ValidationReachesThroughTheRegistry) {
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         optim::make_regularizer("elastic_net", {{"lambda", 0.1}, {"alpha", -0.1}});
                       }),
                       "ElasticNet: alpha must be in [0, 1], got -0.1"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([] {
                         optim::make_regularizer("l1", {{"lambda", -1.0}});
                       }),
                       "L1: lambda must be"));
}

TEST(RegularizerRegistry, UserRegularizerRegisteredWithOneLine) {
  EXPECT_TRUE(has_name("l4"));
  auto w = t64({1, -2}, {2}).requires_grad_();
  auto reg = optim::make_regularizer("l4", {{"lambda", 0.5}});
  EXPECT_EQ(reg->name(), "L4");
  auto pen = reg->penalty({w});
  EXPECT_DOUBLE_EQ(pen.item(), 0.5 * 17);
  pen.backward();
  EXPECT_TRUE(ValuesEqual(w.grad(), {0.5 * 4, 0.5 * 4 * -8}, 1e-12));  // 4λθ³
}

TEST(RegularizerRegistry, DuplicateAndEmptyRegistrationsAreErrors) {
  auto factory = [](const optim::OptionMap& o) -> std::unique_ptr<optim::Regularizer> {
    return std::make_unique<L4>(o);
  };
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { optim::register_regularizer("l2", factory); }),
               "a regularizer named 'l2' is already registered"));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { optim::register_regularizer("", factory); }),
               "needs a name"));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([&] { optim::register_regularizer("nothing", nullptr); }),
               "has no factory"));
  EXPECT_FALSE(has_name("nothing"));
}

}  // namespace
