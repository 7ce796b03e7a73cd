// to_dot: the graph behind a tensor in Graphviz DOT, parameters labelled.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}
}  // namespace

TEST(ToDot, NamesOpsShapesAndParameters) {
  auto x = xg::randn({4, 3});
  auto w = xg::randn({3, 2}).requires_grad_();
  auto b = xg::zeros({2}).requires_grad_();
  auto loss = xg::relu(xg::matmul(x, w) + b).sum();
  const std::string dot = xg::to_dot(loss, {{"weight", w}, {"bias", b}});
  EXPECT_EQ(dot.rfind("digraph", 0), 0u);
  EXPECT_NE(dot.find("mm\\n[4, 2]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("relu"), std::string::npos);
  EXPECT_NE(dot.find("weight\\n[3, 2]"), std::string::npos);
  EXPECT_NE(dot.find("bias\\n[2]"), std::string::npos);
  // sum, relu, add, mm, two parameters: six nodes, six edges plus the one to the output.
  EXPECT_EQ(count(dot, "[label="), 7u);  // including the output box
  EXPECT_EQ(count(dot, " -> "), 6u);
}

TEST(ToDot, UnnamedLeafIsMarkedLeaf) {
  auto w = xg::randn({2}).requires_grad_();
  const std::string dot = xg::to_dot((w * w).sum());
  EXPECT_NE(dot.find("leaf\\n[2]"), std::string::npos) << dot;
  EXPECT_EQ(count(dot, "leaf\\n"), 1u);  // used twice, drawn once
}

TEST(ToDot, WriteDotWritesTheFileAndReportsBadPaths) {
  auto w = xg::randn({2}).requires_grad_();
  auto y = (w * 2.0).sum();
  const std::string path = ::testing::TempDir() + "/xgrad_graph.dot";
  xg::write_dot(y, path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), xg::to_dot(y));
  std::remove(path.c_str());
  EXPECT_THROW(xg::write_dot(y, "/nonexistent-dir/graph.dot"), xg::IOError);
}
