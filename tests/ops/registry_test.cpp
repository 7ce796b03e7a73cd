// The op registry: built-ins by name, user ops registered with one line, clear errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;

namespace {
// A user op: softsign(x) = x / (1 + |x|), d/dx = 1 / (1 + |x|)^2.
struct Softsign : xg::Function<Softsign> {
  static constexpr const char* name = "test_softsign";
  static xg::Tensor forward(xg::AutogradContext* ctx, const xg::Tensor& x) {
    ctx->save_for_backward({x});
    return x / (xg::abs(x) + 1.0);
  }
  static xg::TensorList backward(xg::AutogradContext* ctx, xg::TensorList g) {
    const auto x = ctx->get_saved_variables()[0];
    const auto d = xg::abs(x) + 1.0;
    return {g[0] / (d * d)};
  }
};
XGRAD_REGISTER_OP(Softsign);

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const xg::ValueError& e) {
    return e.what();
  }
  return "(no ValueError)";
}
}  // namespace

TEST(Registry, ListsBuiltinsAndUserOps) {
  const auto names = xg::ops::list();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  for (const char* op : {"add", "matmul", "relu", "sum", "reshape", "cross_entropy", "softmax",
                         "linear", "test_softsign"}) {
    EXPECT_TRUE(xg::ops::has(op)) << op;
  }
  EXPECT_GE(names.size(), 40u);
}

TEST(Registry, CallsBuiltinsByNameWithAttrs) {
  auto x = xg::tensor({{1.0, 2.0}, {3.0, 4.0}}, xg::kFloat64);
  EXPECT_EQ(xg::ops::call("add", {x, x})[0].to_vector(), (std::vector<double>{2, 4, 6, 8}));
  EXPECT_EQ(xg::ops::call("sum", {x}, {{"dims", xg::Shape{1}}})[0].to_vector(),
            (std::vector<double>{3, 7}));
  EXPECT_EQ(xg::ops::call("pow", {x}, {{"exponent", 2.0}})[0].to_vector(),
            (std::vector<double>{1, 4, 9, 16}));
  EXPECT_EQ(
      xg::ops::call("transpose", {x}, {{"dim0", int64_t(0)}, {"dim1", int64_t(1)}})[0].to_vector(),
      (std::vector<double>{1, 3, 2, 4}));
}

TEST(Registry, UserOpByNameIsDifferentiableAndGradchecks) {
  xg::manual_seed(3);
  auto x = xg::randn({3, 2}, xg::kFloat64).requires_grad_();
  auto f = [](const xg::TensorList& in) { return xg::ops::call("test_softsign", in)[0]; };
  EXPECT_TRUE(xg::gradcheck(f, {x}));
  EXPECT_TRUE(xg::gradgradcheck(f, {x}));
  auto y = f({x});
  EXPECT_EQ(y.grad_fn()->name(), "TestSoftsignBackward");
}

TEST(Registry, UnknownNameListsKnownOps) {
  const auto msg = message_of([] { xg::ops::call("no_such_op", {}); });
  EXPECT_NE(msg.find("no_such_op"), std::string::npos);
  EXPECT_NE(msg.find("matmul"), std::string::npos) << msg;
}

TEST(Registry, WrongArityIsAnError) {
  auto x = xg::ones({2});
  const auto msg = message_of([&] { xg::ops::call("add", {x}); });
  EXPECT_NE(msg.find("'add' takes 2"), std::string::npos) << msg;
  EXPECT_THROW(xg::ops::call("test_softsign", {x, x}), xg::ValueError);
}

TEST(Registry, UnknownAttributeListsValidOnes) {
  auto x = xg::ones({2});
  const auto msg = message_of([&] { xg::ops::call("sum", {x}, {{"axis", int64_t(0)}}); });
  EXPECT_NE(msg.find("axis"), std::string::npos);
  EXPECT_NE(msg.find("dims"), std::string::npos) << msg;
}

TEST(Registry, IllTypedAttributeIsAnError) {
  auto x = xg::ones({2});
  EXPECT_THROW(xg::ops::call("pow", {x}, {{"exponent", std::string("two")}}), xg::ValueError);
}

TEST(Registry, DuplicateNameIsAnError) {
  const auto msg =
      message_of([] { xg::ops::detail::Registrar again(xg::ops::detail::schema_of<Softsign>()); });
  EXPECT_NE(msg.find("already registered"), std::string::npos) << msg;
  EXPECT_THROW(xg::ops::register_op({"", 1, {}, nullptr}), xg::ValueError);
}

TEST(Registry, SchemaWithAttributesRegistersAndRuns) {
  xg::ops::register_op(
      {"test_scaled", 1, {"scale"}, [](const xg::TensorList& in, const xg::Attrs& a) {
         return xg::TensorList{in[0] * a.get<double>("scale")};
       }});
  auto x = xg::tensor({1.0, 2.0});
  EXPECT_EQ(xg::ops::call("test_scaled", {x}, {{"scale", 3.0}})[0].to_vector(),
            (std::vector<double>{3, 6}));
  EXPECT_EQ(xg::ops::schema("test_scaled").arity, 1);
}
