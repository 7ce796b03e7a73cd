// xgrad::Value's integer-list kind (shapes, dims) and Attrs, which hold Values.
#include <gtest/gtest.h>

#include <string>

#include "core/test_helpers.hpp"

namespace {
using namespace xgtest;

TEST(ValueIntList, HoldsAShape) {
  xg::Value v = xg::Shape{2, 3};
  EXPECT_EQ(v.type(), xg::Value::Type::IntList);
  EXPECT_STREQ(v.type_name(), "int list");
  EXPECT_EQ(v.to_string(), "[2, 3]");
  EXPECT_EQ(v.as_int_list("dims"), (xg::Shape{2, 3}));
  EXPECT_EQ(v, xg::Value(xg::Shape{2, 3}));
  EXPECT_NE(v, xg::Value(std::vector<double>{2, 3}));  // another kind
}

TEST(ValueIntList, WholeNumberListsConvertOthersDoNot) {
  EXPECT_EQ(xg::Value({20.0, 50.0}).as_int_list("milestones"), (xg::Shape{20, 50}));
  EXPECT_TRUE(
      Contains(message_of<xg::ValueError>([] { xg::Value({1.5}).as_int_list("milestones"); }),
               "option 'milestones': expected a list of integers"));
  EXPECT_THROW(xg::Value(1.0).as_int_list("dims"), xg::ValueError);
  EXPECT_THROW(xg::Value(xg::Shape{1}).as_list("dims"), xg::ValueError);
}

TEST(Attrs, HoldValuesOfEveryAttributeKind) {
  xg::Attrs a = {{"dims", xg::Shape{1}},
                 {"keepdim", true},
                 {"p", 2.0},
                 {"dim", int64_t{-1}},
                 {"reduction", std::string("sum")}};
  EXPECT_EQ(a.get<xg::Shape>("dims"), (xg::Shape{1}));
  EXPECT_TRUE(a.get<bool>("keepdim"));
  EXPECT_EQ(a.get<double>("p"), 2.0);
  EXPECT_EQ(a.get<int64_t>("dim"), -1);
  EXPECT_EQ(a.get<std::string>("reduction"), "sum");
  EXPECT_EQ(a.get<int64_t>("p"), 2);      // a whole double reads as an integer
  EXPECT_EQ(a.get<double>("dim"), -1.0);  // an integer reads as a double
  EXPECT_EQ(a.get_or<double>("absent", 0.5), 0.5);
  a["dim"] = int64_t{3};
  EXPECT_EQ(a.get<int64_t>("dim"), 3);
}

TEST(Attrs, ErrorsNameTheAttribute) {
  xg::Attrs a = {{"p", 2.5}};
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { a.get<double>("q"); }),
                       "attribute 'q' is missing"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { a.get<int64_t>("p"); }),
                       "attribute 'p' holds a double 2.5, not the int expected"));
  EXPECT_TRUE(Contains(message_of<xg::ValueError>([&] { a.get<xg::Shape>("p"); }),
                       "not the int list expected"));
}

}  // namespace
