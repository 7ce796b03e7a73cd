// read_csv / parse_csv: values, label selection, quoting, line endings, and every error.
#include <gtest/gtest.h>

#include <xgrad/data/csv.hpp>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "data/temp_dir.hpp"

namespace {
namespace xg = xgrad;
namespace xd = xgrad::data;
using xgtest::Contains;
using xgtest::message_of;

TEST(Csv, LastColumnIsTheClassLabelByDefault) {
  const auto d = xd::parse_csv("a,b,label\n1,2,0\n3.5,-4e1,2\n");
  EXPECT_EQ(d.inputs.shape(), (xg::Shape{2, 2}));
  EXPECT_EQ(d.inputs.dtype(), xg::kFloat32);
  EXPECT_EQ(d.inputs.to_vector(), (std::vector<double>{1, 2, 3.5, -40}));
  EXPECT_EQ(d.targets.dtype(), xg::kInt64);
  EXPECT_EQ(d.targets.to_vector(), (std::vector<double>{0, 2}));
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.label_name, "label");
  EXPECT_EQ(d.dataset().size(), 2);
}

TEST(Csv, LabelByNameOrIndexAndRegressionTargets) {
  const std::string text = "y,x1,x2\n0.5,1,2\n1.5,3,4\n";
  const auto by_name =
      xd::parse_csv(text, xd::CsvOptions().label_column("y").label_dtype(xg::kFloat64));
  EXPECT_EQ(by_name.targets.dtype(), xg::kFloat64);
  EXPECT_EQ(by_name.targets.to_vector(), (std::vector<double>{0.5, 1.5}));
  EXPECT_EQ(by_name.inputs.to_vector(), (std::vector<double>{1, 2, 3, 4}));
  const auto by_index = xd::parse_csv(
      text, xd::CsvOptions().label_index(1).dtype(xg::kFloat64).label_dtype(xg::kFloat32));
  EXPECT_EQ(by_index.inputs.dtype(), xg::kFloat64);
  EXPECT_EQ(by_index.targets.to_vector(), (std::vector<double>{1, 3}));
  EXPECT_EQ(by_index.feature_names, (std::vector<std::string>{"y", "x2"}));
}

TEST(Csv, CrlfQuotesBlankLinesAndOtherDelimiters) {
  const auto d = xd::parse_csv("\"a\",\" b, c\",k\r\n\"1.5\", 2 ,\"1\"\r\n\r\n3,4,0\r\n\r\n");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"a", " b, c"}));
  EXPECT_EQ(d.inputs.to_vector(), (std::vector<double>{1.5, 2, 3, 4}));
  EXPECT_EQ(d.targets.to_vector(), (std::vector<double>{1, 0}));
  const auto semi = xd::parse_csv("p;q\n+1;2\n", xd::CsvOptions().delimiter(';'));
  EXPECT_EQ(semi.inputs.to_vector(), (std::vector<double>{1}));
  const auto quoted = xd::parse_csv("\"say \"\"hi\"\"\",y\n1,0\n");
  EXPECT_EQ(quoted.feature_names[0], "say \"hi\"");
}

TEST(Csv, RaggedRowNamesItsLine) {
  const auto msg = message_of<xg::IOError>(
      [] { xd::parse_csv("a,b,y\n1,2,0\n\n3,4\n", xd::CsvOptions(), "data.csv"); });
  EXPECT_TRUE(Contains(msg, "data.csv"));
  EXPECT_TRUE(Contains(msg, "line 4 has 2 fields but the header has 3"));
  EXPECT_THROW(xd::parse_csv("a,b\n1,2,3\n"), xg::IOError);
}

TEST(Csv, NonNumericCellNamesLineAndColumn) {
  const auto msg = message_of<xg::IOError>([] { xd::parse_csv("a,b,y\n1,2,0\n1,abc,1\n"); });
  EXPECT_TRUE(Contains(msg, "line 3, column 2 ('b')"));
  EXPECT_TRUE(Contains(msg, "'abc' is not a number"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,y\n1.5x,0\n"); }),
                       "'1.5x' is not a number"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,y\n,0\n"); }), "empty cell"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,y\nnan,0\n"); }),
                       "not a finite number"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,y\n\"1,0\n"); }),
                       "line 2: a quoted field is not closed"));
}

TEST(Csv, ClassLabelsMustBeWholeNumbers) {
  const auto msg = message_of<xg::IOError>([] { xd::parse_csv("a,y\n1,0\n2,0.5\n"); });
  EXPECT_TRUE(Contains(msg, "line 3, column 2 ('y')"));
  EXPECT_TRUE(Contains(msg, "label_dtype"));
}

TEST(Csv, EmptyFileHeaderOnlyAndMissingLabelColumn) {
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv(""); }), "empty file"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("\n\r\n"); }), "empty file"));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([] { xd::parse_csv("a,y\n"); }), "no data rows"));
  const auto msg = message_of<xg::IOError>(
      [] { xd::parse_csv("a,b\n1,2\n", xd::CsvOptions().label_column("target")); });
  EXPECT_TRUE(Contains(msg, "no label column 'target'"));
  EXPECT_TRUE(Contains(msg, "[a, b]"));
  EXPECT_TRUE(Contains(
      message_of<xg::IOError>([] { xd::parse_csv("a,b\n1,2\n", xd::CsvOptions().label_index(5)); }),
      "label column index 5 is out of range"));
  EXPECT_TRUE(
      Contains(message_of<xg::IOError>([] { xd::parse_csv("a;b\n1;2\n"); }), "wrong delimiter"));
  EXPECT_THROW(xd::parse_csv("a,y\n1,0\n", xd::CsvOptions().dtype(xg::kInt64)), xg::DTypeError);
}

TEST(Csv, ReadsFilesPlainAndGzipped) {
  xgtest::TempDir dir;
  const std::string text = "f,t\n1,1\n2,0\n";
  xgtest::write_text(dir.file("d.csv"), text);
  xgtest::write_gzip(dir.file("d.csv.gz"), std::vector<uint8_t>(text.begin(), text.end()));
  for (const char* name : {"d.csv", "d.csv.gz"}) {
    const auto d = xd::read_csv(dir.file(name));
    EXPECT_EQ(d.inputs.to_vector(), (std::vector<double>{1, 2})) << name;
    EXPECT_EQ(d.targets.to_vector(), (std::vector<double>{1, 0})) << name;
  }
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_csv(dir.file("none.csv")); }),
                       "no such file"));
  xgtest::write_text(dir.file("bad.csv"), "f,t\n1,1\nx,0\n");
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xd::read_csv(dir.file("bad.csv")); }),
                       dir.file("bad.csv") + "': line 3"));
}

}  // namespace
