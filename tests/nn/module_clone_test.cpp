// Module::clone(): a deep copy as libtorch's module->clone(): new parameters and buffers with
// the same data and requires_grad, children cloned, training flags kept, nothing shared; for
// the built-in modules and for a user's module through nn::Cloneable<Derived> + reset().
#include <xgrad/xgrad.hpp>

#include "core/test_helpers.hpp"

namespace {
namespace xg = xgrad;
namespace nn = xgrad::nn;
using xgtest::Contains;
using xgtest::message_of;

/// Same names, shapes, data and requires_grad; no tensor shared; every parameter and buffer of
/// the copy is its own storage.
void expect_deep_copy(const nn::Module& original, const nn::Module& copy) {
  const auto a = original.state_dict(), b = copy.state_dict();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_NE(a[i].second.impl(), b[i].second.impl()) << a[i].first;
    EXPECT_EQ(a[i].second.dtype(), b[i].second.dtype()) << a[i].first;
    EXPECT_TRUE(xg::equal(a[i].second, b[i].second)) << a[i].first;
    EXPECT_EQ(a[i].second.requires_grad(), b[i].second.requires_grad()) << a[i].first;
  }
  // Changing the original in place leaves the copy as it was.
  const auto before = copy.state_dict();
  std::vector<xg::Tensor> saved;
  for (const auto& [name, t] : before) saved.push_back(t.detach().clone());
  {
    xg::NoGradGuard no_grad;
    for (const auto& [name, t] : a)
      if (xg::is_floating(t.dtype())) t.add_(1.0);
  }
  for (size_t i = 0; i < before.size(); ++i)
    EXPECT_TRUE(xg::equal(before[i].second, saved[i])) << before[i].first;
}

TEST(ModuleClone, LinearIsADeepCopyWithItsOwnMembers) {
  auto fc = std::make_shared<nn::Linear>(3, 2);
  fc->bias.requires_grad_(false);
  auto copy = std::dynamic_pointer_cast<nn::Linear>(fc->clone());
  ASSERT_TRUE(copy);
  expect_deep_copy(*fc, *copy);
  // The members are the copy's registered tensors, not the original's.
  EXPECT_EQ(copy->weight.impl(), copy->named_parameters()[0].second.impl());
  EXPECT_NE(copy->weight.impl(), fc->weight.impl());
  EXPECT_FALSE(copy->bias.requires_grad());
  EXPECT_EQ(copy->in_features(), 3);
}

TEST(ModuleClone, GradientsGoToTheCopyOnly) {
  nn::Linear fc(2, 1);
  auto copy = std::dynamic_pointer_cast<nn::Linear>(fc.clone());
  (*copy)(xg::ones({4, 2})).sum().backward();
  EXPECT_TRUE(copy->weight.grad().defined());
  EXPECT_FALSE(fc.weight.grad().defined());
}

TEST(ModuleClone, SequentialAndMLPCloneEveryChild) {
  xg::manual_seed(1);
  nn::Sequential seq(nn::Linear(2, 4), nn::ReLU(), nn::Dropout(0.25), nn::Linear(4, 1),
                     nn::Functional([](const xg::Tensor& x) { return x * 2.0; }));
  seq.eval();
  auto copy = std::dynamic_pointer_cast<nn::Sequential>(seq.clone());
  ASSERT_TRUE(copy);
  ASSERT_EQ(copy->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_NE(copy->at(i).get(), seq.at(i).get()) << i;
    EXPECT_EQ(copy->at(i)->name(), seq.at(i)->name()) << i;
    EXPECT_FALSE(copy->at(i)->is_training()) << i;
  }
  EXPECT_FALSE(copy->is_training());
  const auto x = xg::randn({3, 2});
  EXPECT_TRUE(xg::equal((*copy)(x), seq(x)));
  expect_deep_copy(seq, *copy);

  nn::MLP mlp({3, 5, 2}, nn::MLPOptions().activation("tanh").layer_norm(true).dropout(0.1));
  auto mcopy = std::dynamic_pointer_cast<nn::MLP>(mlp.clone());
  ASSERT_TRUE(mcopy);
  EXPECT_NE(mcopy->layers.get(), mlp.layers.get());
  EXPECT_EQ(mcopy->layers->at<nn::Linear>(0)->weight.impl(),
            mcopy->named_parameters()[0].second.impl());
  mlp.eval();
  mcopy->eval();
  EXPECT_TRUE(xg::equal((*mcopy)(xg::ones({1, 3})), mlp(xg::ones({1, 3}))));
  expect_deep_copy(mlp, *mcopy);
}

TEST(ModuleClone, NormalizationBuffersAreCopied) {
  nn::BatchNorm1d bn(2);
  bn(xg::tensor({{1.0, 2.0}, {3.0, 5.0}}));  // running stats move, num_batches_tracked = 1
  auto copy = std::dynamic_pointer_cast<nn::BatchNorm1d>(bn.clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(xg::equal(copy->running_mean, bn.running_mean));
  EXPECT_EQ(copy->num_batches_tracked.item(), 1);
  EXPECT_EQ(copy->num_batches_tracked.dtype(), xg::kLong);
  expect_deep_copy(bn, *copy);
  nn::LayerNorm ln(3);
  expect_deep_copy(ln, *ln.clone());
}

TEST(ModuleClone, DtypeAndTrainingFlagsAreKept) {
  nn::Linear fc(2, 2);
  fc.to(xg::kFloat64);
  fc.eval();
  auto copy = fc.clone();
  EXPECT_EQ(copy->parameters()[0].dtype(), xg::kFloat64);
  EXPECT_FALSE(copy->is_training());
}

// ---- a user's module ---------------------------------------------------------------------------

struct Block : nn::Cloneable<Block> {
  explicit Block(int64_t width) : width(width) { reset(); }
  void reset() override {
    fc = register_module("fc", std::make_shared<nn::Linear>(width, width));
    scale = register_parameter("scale", xg::ones({width}));
    steps = register_buffer("steps", xg::zeros({1}));
  }
  xg::Tensor forward(const xg::Tensor& x) override { return (*fc)(x)*scale; }
  std::string name() const override { return "Block"; }
  int64_t width;
  std::shared_ptr<nn::Linear> fc;
  xg::Tensor scale, steps;
};

struct Net : nn::Cloneable<Net> {
  explicit Net(int64_t width) : width(width) { reset(); }
  void reset() override {
    first = register_module("first", std::make_shared<Block>(width));
    second = register_module("second", std::make_shared<Block>(width));
    head = register_module("head",
                           std::make_shared<nn::Sequential>(nn::Linear(width, 1), nn::Sigmoid()));
  }
  xg::Tensor forward(const xg::Tensor& x) override {
    return (*head)((*second)(xg::relu((*first)(x))));
  }
  std::string name() const override { return "Net"; }
  int64_t width;
  std::string label = "net";
  std::shared_ptr<Block> first, second;
  std::shared_ptr<nn::Sequential> head;
};

TEST(ModuleClone, UserModuleWithSubmodulesThroughCloneable) {
  auto net = std::make_shared<Net>(3);
  net->label = "changed";
  {
    xg::NoGradGuard no_grad;
    net->first->steps.fill_(7);
  }
  net->second->eval();
  auto copy = std::dynamic_pointer_cast<Net>(net->clone());
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->label, "changed");  // plain members come with the copy constructor
  EXPECT_EQ(copy->width, 3);
  // Members point into the copy's own tree.
  EXPECT_NE(copy->first.get(), net->first.get());
  EXPECT_EQ(copy->first.get(), copy->children()[0].get());
  EXPECT_EQ(copy->first->fc.get(), copy->first->children()[0].get());
  EXPECT_EQ(copy->first->scale.impl(), copy->first->named_parameters(false)[0].second.impl());
  EXPECT_EQ(copy->first->steps.item(), 7.0);
  EXPECT_TRUE(copy->is_training());
  EXPECT_FALSE(copy->second->is_training());
  const auto x = xg::randn({2, 3});
  EXPECT_TRUE(xg::equal((*copy)(x), (*net)(x)));
  expect_deep_copy(*net, *copy);
  // Training the copy leaves the original alone.
  auto before = net->first->fc->weight.detach().clone();
  (*copy)(x).sum().backward();
  xg::optim::SGD opt(copy->parameters(), xg::optim::SGDOptions(0.1));
  opt.step();
  EXPECT_TRUE(xg::equal(net->first->fc->weight, before));
  EXPECT_FALSE(xg::equal(copy->first->fc->weight, before));
}

struct NotCloneable : nn::Module {
  NotCloneable() { register_parameter("w", xg::zeros({2})); }
  std::string name() const override { return "NotCloneable"; }
};

struct RegistersInConstructor : nn::Cloneable<RegistersInConstructor> {
  RegistersInConstructor() { w = register_parameter("w", xg::zeros({2})); }
  void reset() override {}
  std::string name() const override { return "RegistersInConstructor"; }
  xg::Tensor w;
};

TEST(ModuleClone, ModuleThatCannotBeClonedIsAClearError) {
  NotCloneable m;
  auto msg = message_of<xg::ValueError>([&] { m.clone(); });
  EXPECT_TRUE(Contains(msg, "NotCloneable::clone"));
  EXPECT_TRUE(Contains(msg, "Cloneable<NotCloneable>"));
  // Inside a container, the error names the culprit.
  nn::Sequential seq(nn::Linear(2, 2));
  seq.push_back(std::make_shared<NotCloneable>());
  msg = message_of<xg::ValueError>([&] { seq.clone(); });
  EXPECT_TRUE(Contains(msg, "NotCloneable"));

  RegistersInConstructor r;
  msg = message_of<xg::ValueError>([&] { r.clone(); });
  EXPECT_TRUE(Contains(msg, "reset()")) << msg;
  EXPECT_TRUE(Contains(msg, "[w]")) << msg;
}

}  // namespace
