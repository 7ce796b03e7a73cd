// Numbers a file format or dtype cannot hold: a CSV cell of 1e300 read as float32 (it used to
// become inf silently), 1e400 and 1e-400 (out of float64's range: "out of range", not "not a
// number"), and write_idx of values its type cannot hold. Each error names where it is.
#include <gtest/gtest.h>

#include <cmath>
#include <xgrad/data/csv.hpp>
#include <xgrad/data/idx.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "data/temp_dir.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

TEST(NumericRange, CsvFeatureBeyondFloat32IsAnErrorNamingLineAndColumn) {
  const auto message =
      message_of<xg::IOError>([] { xd::parse_csv("a,b,label\n1,2,0\n3,1e300,1\n"); });
  EXPECT_TRUE(Contains(message, "line 3, column 2 ('b')")) << message;
  EXPECT_TRUE(Contains(message, "out of range for float32")) << message;
  // The same value is fine as float64.
  const auto d = xd::parse_csv("a,b,label\n3,1e300,1\n", xd::CsvOptions().dtype(xg::kFloat64));
  EXPECT_EQ(d.inputs.to_vector()[1], 1e300);
  // 3.4e38 still fits float32.
  EXPECT_NO_THROW(xd::parse_csv("a,label\n3.4e38,1\n"));
}

TEST(NumericRange, CsvLabelBeyondFloat32IsAnError) {
  const auto o = xd::CsvOptions().label_dtype(xg::kFloat32);
  const auto message = message_of<xg::IOError>([&] { xd::parse_csv("x,y\n1,-1e300\n", o); });
  EXPECT_TRUE(Contains(message, "line 2, column 2 ('y')")) << message;
  EXPECT_TRUE(Contains(message, "out of range for float32")) << message;
}

TEST(NumericRange, CsvValuesBeyondFloat64SayOutOfRange) {
  for (const char* cell : {"1e400", "-1e400", "1e-400"}) {
    const auto message =
        message_of<xg::IOError>([&] { xd::parse_csv(std::string("a,label\n") + cell + ",1\n"); });
    EXPECT_TRUE(Contains(message, "is out of range")) << message;
    EXPECT_FALSE(Contains(message, "not a number")) << message;
  }
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,label\nabc,1\n"); }),
                       "is not a number"));
}

TEST(NumericRange, WriteIdxRefusesValuesTheTypeCannotHold) {
  xgtest::TempDir dir;
  const auto big = xg::tensor({1.0, 1e300}, xg::kFloat64);
  const auto message = message_of<xg::ValueError>(
      [&] { xd::write_idx(dir.file("big.idx"), big, xd::IdxType::Float32); });
  EXPECT_TRUE(Contains(message, "element 1")) << message;
  EXPECT_TRUE(Contains(message, "out of range")) << message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("big.idx")));
  EXPECT_THROW(xd::write_idx(dir.file("inf.idx"), xg::tensor({HUGE_VAL}), xd::IdxType::Float32),
               xg::ValueError);
  EXPECT_THROW(xd::write_idx(dir.file("nan.idx"), xg::tensor({std::nan("")}, xg::kFloat64),
                             xd::IdxType::Float64),
               xg::ValueError);
  // In range: written and read back.
  xd::write_idx(dir.file("ok.idx"), big, xd::IdxType::Float64);
  EXPECT_EQ(xd::read_idx(dir.file("ok.idx"), xg::kFloat64).to_vector()[1], 1e300);
  // Read as float32, 1e300 would become inf: an error naming the element.
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_idx(dir.file("ok.idx")); }),
                       "out of range for float32"));
}

}  // namespace
