// The step count of an optimizer state: a loaded count beyond 2^53 (where a double stops
// counting exactly, and where INT64_MAX used to wrap negative on the next step, UB) is refused,
// and a state at the limit refuses to step instead of overflowing.
#include <nlohmann/json.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

/// An Adam over one parameter with one step taken, and its state with "step" set to `step`.
struct Stepped {
  xg::Tensor w = xg::ones({2}).requires_grad_();
  std::unique_ptr<xg::optim::Optimizer> opt = xg::optim::make("adam", {w}, {{"lr", 0.1}});
  Stepped() {
    w.set_grad(xg::ones({2}));
    opt->step();
  }
  xg::optim::OptimizerStateDict with_step(int64_t step) const {
    auto sd = opt->state_dict();
    auto state = nlohmann::json::parse(sd.metadata.at("state"));
    state["0"]["step"] = step;
    sd.metadata["state"] = state.dump();
    return sd;
  }
};

TEST(StepCount, LoadingACountBeyondTwoToThe53IsAValueError) {
  Stepped s;
  for (int64_t step : {std::numeric_limits<int64_t>::max(), (int64_t{1} << 53) + 1, int64_t{-1}}) {
    const auto message =
        message_of<xg::ValueError>([&] { s.opt->load_state_dict(s.with_step(step)); });
    EXPECT_TRUE(Contains(message, "outside [0, 2^53]")) << message;
  }
  EXPECT_EQ(s.opt->state(s.w)->step, 1);  // unchanged
}

TEST(StepCount, AStateAtTheLimitRefusesToStepAndChangesNothing) {
  Stepped s;
  s.opt->load_state_dict(s.with_step(int64_t{1} << 53));
  const auto before = s.w.to_vector();
  const auto message = message_of<xg::ValueError>([&] { s.opt->step(); });
  EXPECT_TRUE(Contains(message, "Adam::step")) << message;
  EXPECT_EQ(s.w.to_vector(), before);
  EXPECT_EQ(s.opt->state(s.w)->step, int64_t{1} << 53);
  // One below the limit still steps.
  s.opt->load_state_dict(s.with_step((int64_t{1} << 53) - 1));
  EXPECT_NO_THROW(s.opt->step());
}

}  // namespace
