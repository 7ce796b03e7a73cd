// Activations are an xgrad::Registry: a user's activation registers with
// XGRAD_REGISTER_ACTIVATION and is then made, listed and named in errors like a built-in.
// The registration sits inside the test (a function-local static: the macro works at block
// scope too), so the other tests of this binary still see exactly the built-ins: CTest runs
// every test in its own process, and a whole-binary run reaches this file after
// activation_modules_test.cpp.
#include <gtest/gtest.h>

#include <string>

#include <xgrad/xgrad.hpp>

namespace {
namespace nn = xgrad::nn;

/// x / 2, a stand-in for a user's activation.
class TestHalf : public nn::Module {
 public:
  xgrad::Tensor forward(const xgrad::Tensor& input) override { return input * 0.5; }
  std::string name() const override { return "TestHalf"; }
};

}  // namespace

TEST(ActivationRegistry, UserActivationIsMadeListedAndNamed) {
  XGRAD_REGISTER_ACTIVATION("test_half", TestHalf);
  auto m = nn::make_activation("TestHalf");  // case and underscores ignored, as for built-ins
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name(), "TestHalf");
  EXPECT_EQ((*m)(xgrad::tensor({2.0, 4.0})).to_vector(), (std::vector<double>{1, 2}));
  const auto names = nn::activation_names();
  EXPECT_EQ(names.front(), "relu");  // the built-ins keep their order, user ones follow
  EXPECT_EQ(names.back(), "test_half");
  try {
    nn::make_activation("relu7");
    FAIL() << "expected ValueError";
  } catch (const xgrad::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("test_half"), std::string::npos) << e.what();
  }
}

TEST(ActivationRegistry, TakenNameIsRefused) {
  EXPECT_THROW(nn::activation_registry().add("relu", [] { return std::make_shared<TestHalf>(); }),
               xgrad::ValueError);
}
