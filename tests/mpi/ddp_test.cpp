// DistributedDataParallel across ranks: training equals one process on the whole global batch,
// bitwise reproducible, no_sync accumulation, unused parameters, model mismatches, and the
// DataLoader over DistributedSampler.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace nn = xgrad::nn;
namespace optim = xgrad::optim;
namespace data = xgrad::data;
namespace dist = xgrad::dist;

namespace {

int R() {
  return dist::world_size();
}
int me() {
  return dist::rank();
}

constexpr int64_t kIn = 8, kClasses = 4, kPerRank = 4;

// Every rank initialises differently: DDP must make them all rank 0's model. `hidden` 256
// makes weight gradients heavy enough for the engine to run them as parallel tasks.
nn::MLP make_mlp(xg::DType dtype, int init_rank, int64_t hidden = 32) {
  xg::manual_seed(100 + static_cast<uint64_t>(init_rank));
  return nn::MLP({kIn, hidden, hidden, kClasses}, nn::MLPOptions().dtype(dtype));
}

struct Steps {
  xg::Tensor x, y;  // [steps, global batch, kIn], [steps, global batch] int64
};
Steps make_steps(int steps, int64_t global, xg::DType dtype) {
  xg::manual_seed(11);
  return {xg::randn({steps, global, kIn}, dtype),
          xg::argmax(xg::randn({steps, global, kClasses}), 2)};
}

std::vector<xg::Tensor> snapshot(const nn::Module& m) {
  std::vector<xg::Tensor> out;
  for (const auto& p : m.parameters()) out.push_back(p.detach().clone());
  return out;
}

// ||a - b|| / ||b|| over all parameters together.
double relative_difference(const std::vector<xg::Tensor>& a, const std::vector<xg::Tensor>& b) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto va = a[i].to_vector(), vb = b[i].to_vector();
    for (size_t j = 0; j < va.size(); ++j) {
      diff += (va[j] - vb[j]) * (va[j] - vb[j]);
      norm += vb[j] * vb[j];
    }
  }
  return std::sqrt(diff / norm);
}

bool bitwise_equal(const std::vector<xg::Tensor>& a, const std::vector<xg::Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].to_vector() != b[i].to_vector()) return false;
  return true;
}

// Every rank's parameters, compared with rank 0's bit for bit (all_gather).
bool same_on_every_rank(const std::vector<xg::Tensor>& params) {
  for (const auto& p : params) {
    auto all = dist::all_gather(p);
    for (int r = 1; r < R(); ++r)
      if (all[r].to_vector() != all[0].to_vector()) return false;
  }
  return true;
}

std::vector<xg::Tensor> train_ddp(xg::DType dtype, int steps, dist::DDPOptions options = {},
                                  int64_t hidden = 32, bool set_to_none = true) {
  auto model = make_mlp(dtype, me(), hidden);
  dist::DistributedDataParallel ddp(model, options);
  optim::SGD opt(model.parameters(), optim::SGDOptions(0.1).momentum(0.9));
  const auto data = make_steps(steps, kPerRank * R(), dtype);
  for (int s = 0; s < steps; ++s) {
    auto x = xg::slice(data.x[s], 0, me() * kPerRank, (me() + 1) * kPerRank);
    auto y = xg::slice(data.y[s], 0, me() * kPerRank, (me() + 1) * kPerRank);
    opt.zero_grad(set_to_none);
    xg::cross_entropy(ddp(x), y).backward();
    opt.step();
  }
  EXPECT_EQ(ddp.sync_steps(), steps);
  return snapshot(model);
}

std::vector<xg::Tensor> train_single_process(xg::DType dtype, int steps, int64_t hidden = 32) {
  auto model = make_mlp(dtype, 0, hidden);
  optim::SGD opt(model.parameters(), optim::SGDOptions(0.1).momentum(0.9));
  const auto data = make_steps(steps, kPerRank * R(), dtype);
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    xg::cross_entropy(model(data.x[s]), data.y[s]).backward();
    opt.step();
  }
  return snapshot(model);
}

// Small buckets, so that a step has several all-reduces in flight.
dist::DDPOptions small_buckets() {
  return dist::DDPOptions().first_bucket_mb(1.0 / 1024).bucket_cap_mb(4.0 / 1024);
}

}  // namespace

TEST(DDP, TwentyStepsEqualOneProcessOnTheGlobalBatchFloat32) {
  const auto ddp = train_ddp(xg::kFloat32, 20, small_buckets());
  const auto single = train_single_process(xg::kFloat32, 20);
  EXPECT_LE(relative_difference(ddp, single), 1e-6);
  EXPECT_TRUE(same_on_every_rank(ddp));
}

TEST(DDP, TwentyStepsEqualOneProcessOnTheGlobalBatchFloat64) {
  const auto ddp = train_ddp(xg::kFloat64, 20, small_buckets());
  const auto single = train_single_process(xg::kFloat64, 20);
  EXPECT_LE(relative_difference(ddp, single), 1e-12);
  EXPECT_TRUE(same_on_every_rank(ddp));
}

TEST(DDP, ZeroGradInPlaceAccumulatesIntoTheBucketViews) {
  // zero_grad(false) keeps each .grad (a view into its bucket) and backward adds into it: the
  // same training, bit for bit, as zero_grad() re-pointing fresh gradients to the views.
  const auto in_place = train_ddp(xg::kFloat64, 20, small_buckets(), 32, /*set_to_none=*/false);
  const auto to_none = train_ddp(xg::kFloat64, 20, small_buckets());
  EXPECT_TRUE(bitwise_equal(in_place, to_none));
  EXPECT_LE(relative_difference(in_place, train_single_process(xg::kFloat64, 20)), 1e-12);
  EXPECT_TRUE(same_on_every_rank(in_place));
}

TEST(DDP, BitwiseIdenticalAcrossRunsAndThreadCounts) {
  const int saved = xg::get_num_threads();
  xg::set_num_threads(1);
  const auto first = train_ddp(xg::kFloat32, 20, small_buckets());
  xg::set_num_threads(2);
  const auto second = train_ddp(xg::kFloat32, 20, small_buckets());
  xg::set_num_threads(saved);
  EXPECT_TRUE(bitwise_equal(first, second));
  const auto one_bucket = train_ddp(xg::kFloat32, 20);
  EXPECT_LE(relative_difference(one_bucket, first), 1e-6);
}

TEST(DDP, GradientHooksOnEngineWorkerThreads) {
  // With two threads the engine runs the heavy weight gradients as parallel tasks, so bucket
  // hooks fire on TBB workers in an order that varies: the result must not.
  const int saved = xg::get_num_threads();
  const auto options = dist::DDPOptions().first_bucket_mb(0.01).bucket_cap_mb(0.2);
  xg::set_num_threads(2);
  const auto two = train_ddp(xg::kFloat32, 5, options, 256);
  xg::set_num_threads(1);
  const auto one = train_ddp(xg::kFloat32, 5, options, 256);
  xg::set_num_threads(saved);
  EXPECT_TRUE(bitwise_equal(one, two));
  EXPECT_LE(relative_difference(two, train_single_process(xg::kFloat32, 5, 256)), 1e-6);
  EXPECT_TRUE(same_on_every_rank(two));
}

TEST(DDP, NoSyncAccumulationEqualsOneBigBatch) {
  const auto dtype = xg::kFloat64;
  auto model = make_mlp(dtype, me());
  dist::DistributedDataParallel ddp(model, small_buckets());
  const auto data = make_steps(2, kPerRank * R(), dtype);  // two micro-batches per rank
  auto part = [&](int micro, const xg::Tensor& t) {
    return xg::slice(t[micro], 0, me() * kPerRank, (me() + 1) * kPerRank);
  };
  {
    auto guard = ddp.no_sync();
    (xg::cross_entropy(ddp(part(0, data.x)), part(0, data.y)) * 0.5).backward();
  }
  EXPECT_EQ(ddp.sync_steps(), 0);
  (xg::cross_entropy(ddp(part(1, data.x)), part(1, data.y)) * 0.5).backward();
  EXPECT_EQ(ddp.sync_steps(), 1);

  auto reference = make_mlp(dtype, 0);
  auto x = xg::concat({data.x[0], data.x[1]}, 0), y = xg::concat({data.y[0], data.y[1]}, 0);
  xg::cross_entropy(reference(x), y).backward();
  auto got = model.parameters(), want = reference.parameters();
  std::vector<xg::Tensor> g, w;
  for (size_t i = 0; i < got.size(); ++i) {
    g.push_back(got[i].grad());
    w.push_back(want[i].grad());
  }
  EXPECT_LE(relative_difference(g, w), 1e-12);
}

namespace {
// A model whose "spare" head only rank 0 uses, and whose "idle" head nobody uses.
struct Branchy : nn::Module {
  std::shared_ptr<nn::Linear> head, spare, idle;
  bool use_spare;
  explicit Branchy(bool use) : use_spare(use) {
    xg::manual_seed(5);
    head = register_module("head", std::make_shared<nn::Linear>(3, 2, true));
    spare = register_module("spare", std::make_shared<nn::Linear>(3, 2, true));
    idle = register_module("idle", std::make_shared<nn::Linear>(3, 2, true));
  }
  xg::Tensor forward(const xg::Tensor& x) override {
    return use_spare ? (*head)(x) + (*spare)(x) : (*head)(x);
  }
};
}  // namespace

TEST(DDP, UnusedParametersOnSomeRanksAverageAsZeros) {
  Branchy model(me() == 0);
  dist::DistributedDataParallel ddp(model, dist::DDPOptions().find_unused_parameters(true));
  auto x = xg::ones({2, 3});
  ddp(x).sum().backward();
  Branchy alone(true);  // rank 0's gradient, computed here
  alone(x).sum().backward();
  const auto want = (alone.spare->weight.grad() / static_cast<double>(R())).to_vector();
  ASSERT_TRUE(model.spare->weight.grad().defined());
  const auto got = model.spare->weight.grad().to_vector();
  for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(got[i], want[i]);
  EXPECT_EQ(model.head->weight.grad().to_vector(), alone.head->weight.grad().to_vector());
  EXPECT_FALSE(model.idle->weight.grad().defined());  // no rank used it
}

TEST(DDP, DifferentModelsAreRefusedOnEveryRank) {
  xg::manual_seed(1);
  nn::MLP wider({4, 8 + me(), 2});
  EXPECT_THROW(dist::DistributedDataParallel{wider}, xg::ShapeError);
  std::vector<int64_t> sizes =
      me() == 0 ? std::vector<int64_t>{4, 8, 2} : std::vector<int64_t>{4, 8, 8, 2};
  nn::MLP deeper(sizes);
  EXPECT_THROW(dist::DistributedDataParallel{deeper}, xg::ValueError);
}

TEST(DDP, BuffersComeFromRankZero) {
  struct WithBuffer : nn::Module {
    xg::Tensor w, stat;
    WithBuffer() {
      w = register_parameter("w", xg::full({2}, 1.0 + dist::rank()));
      stat = register_buffer("stat", xg::full({3}, 10.0 * dist::rank()));
    }
    xg::Tensor forward(const xg::Tensor& x) override { return x * w; }
  } model;
  dist::DistributedDataParallel ddp(model);
  EXPECT_EQ(model.w.to_vector(), (std::vector<double>{1, 1}));
  EXPECT_EQ(model.stat.to_vector(), (std::vector<double>{0, 0, 0}));
}

TEST(DDP, LoaderOverDistributedSamplerEqualsTheShuffledSingleProcessLoader) {
  // Two epochs over 6R examples, 2 per rank and step: the same global batches as a single
  // process shuffling with the same seed and batch size 2R.
  const int64_t n = 6 * R(), b = 2;
  xg::manual_seed(21);
  data::TensorDataset ds(xg::randn({n, kIn}, xg::kFloat64),
                         xg::argmax(xg::randn({n, kClasses}), 1));
  auto model = make_mlp(xg::kFloat64, me());
  dist::DistributedDataParallel ddp(model);
  optim::SGD opt(model.parameters(), optim::SGDOptions(0.05));
  auto shard = std::make_shared<data::DistributedSampler>(
      n, R(), me(), data::DistributedSamplerOptions().seed(4));
  data::DataLoader loader(ds, data::DataLoaderOptions().batch_size(b).sampler(shard));
  auto reference = make_mlp(xg::kFloat64, 0);
  optim::SGD ref_opt(reference.parameters(), optim::SGDOptions(0.05));
  data::DataLoader whole(ds, data::DataLoaderOptions().batch_size(b * R()).shuffle(true).seed(4));
  for (int epoch = 0; epoch < 2; ++epoch) {
    for (auto& [x, y] : loader) {
      opt.zero_grad();
      xg::cross_entropy(ddp(x), y).backward();
      opt.step();
    }
    for (auto& [x, y] : whole) {
      ref_opt.zero_grad();
      xg::cross_entropy(reference(x), y).backward();
      ref_opt.step();
    }
  }
  EXPECT_LE(relative_difference(snapshot(model), snapshot(reference)), 1e-12);
}

TEST(DDP, OptimizerStateIsIdenticalAndResumesWithAnotherWorldSize) {
  // Three steps of Adam on R ranks; then rank 0's model and optimizer state, loaded into a
  // single process (a world of one, training on the whole global batch), continue exactly
  // as the R ranks do.
  const auto dtype = xg::kFloat64;
  const auto data = make_steps(5, kPerRank * R(), dtype);
  auto model = make_mlp(dtype, me());
  dist::DistributedDataParallel ddp(model);
  optim::Adam opt(model.parameters(), optim::AdamOptions(0.01));
  auto ddp_step = [&](int s) {
    opt.zero_grad();
    auto x = xg::slice(data.x[s], 0, me() * kPerRank, (me() + 1) * kPerRank);
    auto y = xg::slice(data.y[s], 0, me() * kPerRank, (me() + 1) * kPerRank);
    xg::cross_entropy(ddp(x), y).backward();
    opt.step();
  };
  for (int s = 0; s < 3; ++s) ddp_step(s);
  const auto state = opt.state_dict();
  std::vector<xg::Tensor> state_tensors;
  for (const auto& [name, t] : state.tensors) state_tensors.push_back(t);
  ASSERT_FALSE(state_tensors.empty());
  EXPECT_TRUE(same_on_every_rank(state_tensors));

  auto resumed = make_mlp(dtype, 1 + me());  // other weights, replaced by the checkpoint's
  xg::TensorDict checkpoint;
  for (const auto& [name, t] : model.state_dict()) checkpoint[name] = t.detach().clone();
  nn::load_state_dict(resumed, checkpoint);
  optim::Adam resumed_opt(resumed.parameters(), optim::AdamOptions(0.01));
  resumed_opt.load_state_dict(state);
  for (int s = 3; s < 5; ++s) {
    ddp_step(s);
    resumed_opt.zero_grad();
    xg::cross_entropy(resumed(data.x[s]), data.y[s]).backward();
    resumed_opt.step();
  }
  EXPECT_LE(relative_difference(snapshot(resumed), snapshot(model)), 1e-12);
}

TEST(DDP, ParameterDigest) {
  // The parameters' bits after 20 steps, printed for mpi_reproducible, which runs this in two
  // separate jobs and compares: the same world size and seed must give the same bits.
  const auto params = train_ddp(xg::kFloat32, 20, small_buckets());
  uint64_t h = 1469598103934665603ull;  // FNV-1a over the float32 bits
  for (const auto& p : params) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(p.data_ptr<float>());
    for (int64_t i = 0; i < p.numel() * 4; ++i) h = (h ^ bytes[i]) * 1099511628211ull;
  }
  EXPECT_TRUE(same_on_every_rank(params));
  if (me() == 0) std::printf("parameter digest: %016llx\n", static_cast<unsigned long long>(h));
}
