// DistributedDataParallel in a world of one: the same gradients as the bare model, bucket
// assignment, no_sync, and the unused-parameter rules (the same errors as in a job).
#include <gtest/gtest.h>

#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace dist = xgrad::dist;

namespace {

nn::MLP make_mlp(xg::DType dtype = xg::kFloat32) {
  xg::manual_seed(1);
  return nn::MLP({6, 8, 3}, nn::MLPOptions().dtype(dtype));
}

// A model with a branch that forward may skip.
struct TwoHeads : nn::Module {
  std::shared_ptr<nn::Linear> body, head, spare;
  bool use_spare = false;
  TwoHeads() {
    xg::manual_seed(2);
    body = register_module("body", std::make_shared<nn::Linear>(4, 4));
    head = register_module("head", std::make_shared<nn::Linear>(4, 2));
    spare = register_module("spare", std::make_shared<nn::Linear>(4, 2));
  }
  xg::Tensor forward(const xg::Tensor& x) override {
    auto h = xg::relu((*body)(x));
    return use_spare ? (*head)(h) + (*spare)(h) : (*head)(h);
  }
};

}  // namespace

TEST(DDPSingleProcess, GradientsEqualTheBareModelBitwise) {
  dist::init();
  auto bare = make_mlp(xg::kFloat64);
  auto wrapped = make_mlp(xg::kFloat64);
  dist::DistributedDataParallel ddp(wrapped,
                                    dist::DDPOptions().bucket_cap_mb(1e-4).first_bucket_mb(1e-4));
  xg::manual_seed(3);
  auto x = xg::randn({5, 6}, xg::kFloat64);
  xg::mse_loss(bare(x), xg::zeros({5, 3}, xg::kFloat64)).backward();
  xg::mse_loss(ddp(x), xg::zeros({5, 3}, xg::kFloat64)).backward();
  auto pb = bare.parameters(), pw = wrapped.parameters();
  for (size_t i = 0; i < pb.size(); ++i)
    EXPECT_EQ(pb[i].grad().to_vector(), pw[i].grad().to_vector());
  EXPECT_EQ(ddp.sync_steps(), 1);
}

TEST(DDPSingleProcess, BucketsFollowReverseParameterOrderAndCaps) {
  auto model = make_mlp();  // layers.0: 8x6 + 8, layers.1: 3x8 + 3 (float32)
  {
    dist::DistributedDataParallel ddp(model);  // everything fits the 1 MiB first bucket
    auto b = ddp.bucket_names();
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0], (std::vector<std::string>{"layers.1.bias", "layers.1.weight", "layers.0.bias",
                                              "layers.0.weight"}));
  }
  // 120 bytes: the first bucket (12 + 96 bytes) closes before layers.0.bias (32) would take
  // it past the cap.
  dist::DistributedDataParallel ddp(
      model, dist::DDPOptions().first_bucket_mb(120 / 1048576.0).bucket_cap_mb(1));
  auto b = ddp.bucket_names();
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0], (std::vector<std::string>{"layers.1.bias", "layers.1.weight"}));
  EXPECT_EQ(b[1], (std::vector<std::string>{"layers.0.bias", "layers.0.weight"}));
}

TEST(DDPSingleProcess, MixedDtypesGoToSeparateBuckets) {
  struct Mixed : nn::Module {
    xg::Tensor a, b;
    Mixed() {
      a = register_parameter("a", xg::ones({3}));
      b = register_parameter("b", xg::ones({3}, xg::kFloat64));
    }
    xg::Tensor forward(const xg::Tensor& x) override {
      return (x * a).sum() + (x.to(xg::kFloat64) * b).sum().to(xg::kFloat32);
    }
  } model;
  dist::DistributedDataParallel ddp(model);
  EXPECT_EQ(ddp.bucket_names().size(), 2u);
  ddp(xg::ones({3})).backward();
  EXPECT_EQ(model.a.grad().to_vector(), (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(model.b.grad().to_vector(), (std::vector<double>{1, 1, 1}));
}

// gradient_as_bucket_view: each .grad is a view into its bucket's flat buffer, so in bucket
// order (layers.1.bias, layers.1.weight, layers.0.bias, layers.0.weight) each gradient starts
// where the previous one ends.
void expect_gradients_side_by_side(nn::MLP& model) {
  auto p = model.parameters();  // layers.0.weight, layers.0.bias, layers.1.weight, layers.1.bias
  ASSERT_EQ(p.size(), 4u);
  for (const auto& t : p) ASSERT_TRUE(t.grad().defined());
  EXPECT_EQ(p[3].grad().data_ptr<double>() + p[3].numel(), p[2].grad().data_ptr<double>());
  EXPECT_EQ(p[2].grad().data_ptr<double>() + p[2].numel(), p[1].grad().data_ptr<double>());
  EXPECT_EQ(p[1].grad().data_ptr<double>() + p[1].numel(), p[0].grad().data_ptr<double>());
}

TEST(DDPSingleProcess, GradientsAreViewsIntoTheirBucket) {
  auto bare = make_mlp(xg::kFloat64);
  auto model = make_mlp(xg::kFloat64);
  dist::DistributedDataParallel ddp(model);
  auto x = xg::ones({2, 6}, xg::kFloat64);
  ddp(x).sum().backward();  // no .grad yet: backward stores fresh ones, the reducer moves them
  expect_gradients_side_by_side(model);
  const double* where = model.parameters()[0].grad().data_ptr<double>();
  // zero_grad(false) zeroes the views in place and backward accumulates into them.
  for (auto& p : model.parameters()) p.zero_grad(/*set_to_none=*/false);
  ddp(x).sum().backward();
  bare(x).sum().backward();
  EXPECT_EQ(model.parameters()[0].grad().data_ptr<double>(), where);
  expect_gradients_side_by_side(model);
  auto pb = bare.parameters(), pm = model.parameters();
  for (size_t i = 0; i < pb.size(); ++i)
    EXPECT_EQ(pb[i].grad().to_vector(), pm[i].grad().to_vector());
  // zero_grad() (set to none, the default): the next backward's gradients go back to the views.
  for (auto& p : model.parameters()) p.zero_grad();
  ddp(x).sum().backward();
  EXPECT_EQ(model.parameters()[0].grad().data_ptr<double>(), where);
  for (size_t i = 0; i < pb.size(); ++i)
    EXPECT_EQ(pb[i].grad().to_vector(), pm[i].grad().to_vector());
}

TEST(DDPSingleProcess, GradientHeldBeforeWrappingMovesIntoTheBucket) {
  auto model = make_mlp(xg::kFloat64);
  auto x = xg::ones({2, 6}, xg::kFloat64);
  model(x).sum().backward();
  const auto before = model.parameters()[0].grad().to_vector();
  dist::DistributedDataParallel ddp(model);
  expect_gradients_side_by_side(model);
  EXPECT_EQ(model.parameters()[0].grad().to_vector(), before);
}

TEST(DDPSingleProcess, NoSyncAccumulatesWithoutSynchronising) {
  auto model = make_mlp(xg::kFloat64);
  dist::DistributedDataParallel ddp(model);
  auto x = xg::ones({2, 6}, xg::kFloat64);
  {
    auto guard = ddp.no_sync();
    ddp(x).sum().backward();
  }
  EXPECT_EQ(ddp.sync_steps(), 0);
  const auto once = model.parameters()[0].grad().to_vector();
  ddp(x).sum().backward();
  EXPECT_EQ(ddp.sync_steps(), 1);
  const auto twice = model.parameters()[0].grad().to_vector();
  for (size_t i = 0; i < once.size(); ++i) EXPECT_DOUBLE_EQ(twice[i], 2 * once[i]);
}

TEST(DDPSingleProcess, UnusedParameterIsRefusedWithItsName) {
  TwoHeads model;
  dist::DistributedDataParallel ddp(model);
  try {
    ddp(xg::ones({1, 4})).sum().backward();
    FAIL() << "expected an AutogradError";
  } catch (const xg::AutogradError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("spare.weight"), std::string::npos) << what;
    EXPECT_NE(what.find("find_unused_parameters"), std::string::npos) << what;
  }
  // The reducer is now out of step: any later forward says so.
  EXPECT_THROW(ddp(xg::ones({1, 4})), xg::AutogradError);
}

TEST(DDPSingleProcess, FindUnusedParametersLeavesTheirGradientUndefined) {
  TwoHeads model;
  dist::DistributedDataParallel ddp(model, dist::DDPOptions().find_unused_parameters(true));
  ddp(xg::ones({1, 4})).sum().backward();
  EXPECT_TRUE(model.head->weight.grad().defined());
  EXPECT_FALSE(model.spare->weight.grad().defined());
  model.use_spare = true;  // the next step uses it
  ddp(xg::ones({1, 4})).sum().backward();
  EXPECT_TRUE(model.spare->weight.grad().defined());
  EXPECT_EQ(ddp.sync_steps(), 2);
}

TEST(DDPSingleProcess, ParameterUsedOnlyAfterForwardIsAnErrorWithFindUnused) {
  TwoHeads model;
  dist::DistributedDataParallel ddp(model, dist::DDPOptions().find_unused_parameters(true));
  auto loss = ddp(xg::ones({1, 4})).sum() + model.spare->weight.sum();
  EXPECT_THROW(loss.backward(), xg::AutogradError);
}

TEST(DDPSingleProcess, EvaluationAndNoGradDoNotSynchronise) {
  auto model = make_mlp();
  dist::DistributedDataParallel ddp(model);
  {
    xg::NoGradGuard no_grad;
    ddp(xg::ones({1, 6}));
  }
  EXPECT_EQ(ddp.sync_steps(), 0);
}

TEST(DDPSingleProcess, BadOptionsAreValueErrors) {
  auto model = make_mlp();
  EXPECT_THROW(dist::DistributedDataParallel(model, dist::DDPOptions().bucket_cap_mb(0)),
               xg::ValueError);
  EXPECT_THROW(dist::DistributedDataParallel(model, dist::DDPOptions().first_bucket_mb(-1)),
               xg::ValueError);
}

TEST(DDPSingleProcess, DestroyedWrapperRemovesItsHooks) {
  auto model = make_mlp();
  { dist::DistributedDataParallel ddp(model); }
  model(xg::ones({1, 6})).sum().backward();  // no hook of the dead wrapper may run
  EXPECT_TRUE(model.parameters()[0].grad().defined());
}
