// ConfusionMatrix counts, accuracies and printout.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"
#include "support/confusion_matrix.hpp"

namespace {
namespace xg = xgrad;
namespace ex = xgrad::examples;
using xgtest::Contains;

TEST(ConfusionMatrix, CountsAndAccuracies) {
  ex::ConfusionMatrix cm(3);
  cm.add(xg::tensor(std::vector<int64_t>{0, 1, 1, 2, 0}, {5}),
         xg::tensor(std::vector<int64_t>{0, 1, 2, 2, 1}, {5}));
  EXPECT_EQ(cm.total(), 5);
  EXPECT_EQ(cm.count(2, 1), 1);  // a 2 predicted as 1
  EXPECT_EQ(cm.count(1, 0), 1);
  EXPECT_DOUBLE_EQ(cm.accuracy(), 0.6);
  const auto per = cm.per_class_accuracy();
  EXPECT_DOUBLE_EQ(per[0], 1.0);
  EXPECT_DOUBLE_EQ(per[1], 0.5);
  EXPECT_DOUBLE_EQ(per[2], 0.5);
  std::ostringstream os;
  cm.print(os, {"T-shirt", "Trouser", "Pullover"});
  EXPECT_TRUE(Contains(os.str(), "Trouser"));
  EXPECT_TRUE(Contains(os.str(), "50.00%"));
  EXPECT_TRUE(Contains(os.str(), "overall accuracy 60.00% of 5 examples"));
}

TEST(ConfusionMatrix, ErrorsLeaveCountsUnchanged) {
  ex::ConfusionMatrix cm(2);
  EXPECT_TRUE(std::isnan(cm.accuracy()));
  EXPECT_THROW(cm.add(xg::tensor(std::vector<int64_t>{0, 2}, {2}),
                      xg::tensor(std::vector<int64_t>{0, 1}, {2})),
               xg::IndexError);
  EXPECT_EQ(cm.total(), 0);
  EXPECT_THROW(cm.add(xg::zeros({2}), xg::tensor(std::vector<int64_t>{0, 1}, {2})), xg::DTypeError);
  EXPECT_THROW(
      cm.add(xg::tensor(std::vector<int64_t>{0}, {1}), xg::tensor(std::vector<int64_t>{0, 1}, {2})),
      xg::ShapeError);
  EXPECT_THROW(ex::ConfusionMatrix(0), xg::ValueError);
  EXPECT_THROW(cm.count(2, 0), xg::IndexError);
}

}  // namespace
