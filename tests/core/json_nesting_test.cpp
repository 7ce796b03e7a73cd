// Deeply nested JSON in files xgrad reads: a safetensors header or an optimizer state whose
// arrays nest thousands of levels deep must give a clean error, not a stack overflow (nlohmann's
// dump() recurses, and it used to be called while building the error message).
#include <string>

#include "core/file_helpers.hpp"
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

/// `depth` nested arrays around a 1: [[[...1...]]] (~200 KB for depth 100,000).
std::string nested(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + "1" +
         std::string(static_cast<size_t>(depth), ']');
}

/// A safetensors file of one float32 tensor whose header has `field` replaced by `value`.
std::string file_with(const std::string& shape, const std::string& offsets) {
  const std::string header =
      R"({"w":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}";
  uint64_t n = header.size();
  return std::string(reinterpret_cast<const char*>(&n), 8) + header + std::string(4, '\0');
}

TEST(JsonNesting, DeepShapeInASafetensorsHeaderIsAnIOError) {
  auto dir = xgtest::temp_dir("json_nesting_shape");
  const auto path = (dir / "deep.safetensors").string();
  xgtest::write_bytes(path, file_with(nested(100000), "[0,4]"));
  const auto message = message_of<xg::IOError>([&] { xg::load_tensors(path); });
  EXPECT_TRUE(Contains(message, "nested deeper than 64 levels")) << message;
  EXPECT_LT(message.size(), 400u);
}

TEST(JsonNesting, DeepDataOffsetsInASafetensorsHeaderIsAnIOError) {
  auto dir = xgtest::temp_dir("json_nesting_offsets");
  const auto path = (dir / "deep.safetensors").string();
  xgtest::write_bytes(path, file_with("[1]", nested(100000)));
  EXPECT_TRUE(Contains(message_of<xg::IOError>([&] { xg::load_tensors(path); }),
                       "nested deeper than 64 levels"));
}

TEST(JsonNesting, ModerateNestingIsStillReadAndReportedBriefly) {
  // 50 levels parse (under the bound); the shape is refused, and the message quotes only
  // the start of the value.
  auto dir = xgtest::temp_dir("json_nesting_moderate");
  const auto path = (dir / "m.safetensors").string();
  xgtest::write_bytes(path, file_with(nested(50), "[0,4]"));
  const auto message = message_of<xg::IOError>([&] { xg::load_tensors(path); });
  EXPECT_TRUE(Contains(message, "not a non-negative integer")) << message;
  EXPECT_TRUE(Contains(message, "...")) << message;
  EXPECT_LT(message.size(), 300u);
}

TEST(JsonNesting, HugeFlatValuesAreQuotedOnlyInPart) {
  // A 100,000-entry offsets array: the error names the problem without dumping it whole.
  std::string offsets = "[0";
  for (int i = 0; i < 100000; ++i) offsets += ",4";
  offsets += "]";
  auto dir = xgtest::temp_dir("json_nesting_flat");
  const auto path = (dir / "flat.safetensors").string();
  xgtest::write_bytes(path, file_with("[1]", offsets));
  const auto message = message_of<xg::IOError>([&] { xg::load_tensors(path); });
  EXPECT_TRUE(Contains(message, "data_offsets must be [begin, end]")) << message;
  EXPECT_LT(message.size(), 300u);
}

TEST(JsonNesting, DeepParamGroupsInAnOptimizerStateIsAValueError) {
  auto w = xg::zeros({2}).requires_grad_();
  auto opt = xg::optim::make("sgd", {w}, {{"lr", 0.1}});
  auto state = opt->state_dict();
  state.metadata["param_groups"] = nested(100000);
  const auto message = message_of<xg::ValueError>([&] { opt->load_state_dict(state); });
  EXPECT_TRUE(Contains(message, "nested deeper than 64 levels")) << message;
  EXPECT_LT(message.size(), 400u);
  // The optimizer is unchanged and still works.
  w.set_grad(xg::ones({2}));
  opt->step();
  EXPECT_NEAR(w.to_vector()[0], -0.1, 1e-7);
}

}  // namespace
