// Allocations that cannot succeed: a typed xgrad::OutOfMemoryError naming the shape, the dtype
// and the bytes, never std::bad_alloc or std::bad_array_new_length escaping the library.
// Requests above the machine's memory and swap are refused before the allocator is asked, so
// this holds under AddressSanitizer too (whose operator new aborts rather than throwing).
#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
using xgtest::Contains;
using xgtest::message_of;

TEST(OutOfMemory, HugeTensorsAreAnOutOfMemoryErrorNamingShapeDtypeAndBytes) {
  const auto message = message_of<xg::OutOfMemoryError>([] { xg::zeros({1LL << 40}); });
  EXPECT_TRUE(Contains(message, "float32")) << message;
  EXPECT_TRUE(Contains(message, "[1099511627776]")) << message;
  EXPECT_TRUE(Contains(message, "4398046511104 bytes (4.0 TiB)")) << message;
  EXPECT_THROW(xg::randn({1LL << 40}, xg::kFloat64), xg::OutOfMemoryError);
  EXPECT_THROW(xg::full({1LL << 20, 1LL << 22}, 1.0), xg::OutOfMemoryError);
  // Beyond what any allocation can be (bytes > 2^63): refused before asking the allocator.
  EXPECT_THROW(xg::zeros({1LL << 62}, xg::kFloat64), xg::OutOfMemoryError);
}

TEST(OutOfMemory, IsAnXgradError) {
  EXPECT_THROW(xg::ones({1LL << 41}), xg::Error);
}

TEST(OutOfMemory, ArangeOfAnAbsurdCountIsAnOutOfMemoryError) {
  const auto message = message_of<xg::OutOfMemoryError>([] { xg::arange(0, 1e18); });
  EXPECT_TRUE(Contains(message, "[1000000000000000000]")) << message;
}

TEST(OutOfMemory, AModuleWithAnAbsurdLayerIsAnOutOfMemoryError) {
  EXPECT_THROW(xg::nn::MLP({784, 1LL << 40, 10}), xg::OutOfMemoryError);
  EXPECT_THROW(xg::nn::Linear(1LL << 40, 1LL << 20), xg::OutOfMemoryError);
}

TEST(OutOfMemory, OpsOnHugeBroadcastsAreAnOutOfMemoryError) {
  auto a = xg::ones({1LL << 20, 1});
  auto b = xg::ones({1, 1LL << 22});
  EXPECT_THROW(a + b, xg::OutOfMemoryError);  // 2^42 floats
}

}  // namespace
