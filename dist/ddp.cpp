#include <xgrad/dist/ddp.hpp>

#include <fmt/format.h>

#include <unordered_set>

#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/accumulate_grad.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/dist/collectives.hpp>
#include <xgrad/dist/detail/reducer.hpp>
#include <xgrad/dist/world.hpp>

namespace xgrad::dist {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

void check_options(const DDPOptions& o) {
  if (!(o.bucket_cap_mb_ > 0) || !(o.first_bucket_mb_ > 0)) {
    throw ValueError(fmt::format(
        "DistributedDataParallel: bucket_cap_mb and first_bucket_mb must be > 0, got {} and {}",
        o.bucket_cap_mb_, o.first_bucket_mb_));
  }
}

// Every rank must hold the same model: same number of parameters and buffers first (then each
// broadcast checks its tensor's dtype and shape).
void check_same_layout(int64_t params, int64_t buffers) {
  Tensor mine = zeros({2}, DType::Int64);
  mine.data_ptr<int64_t>()[0] = params;
  mine.data_ptr<int64_t>()[1] = buffers;
  Tensor all = all_gather(mine);
  const int64_t* p = all.data_ptr<int64_t>();
  for (int r = 1; r < world_size(); ++r) {
    if (p[2 * r] != p[0] || p[2 * r + 1] != p[1]) {
      throw ValueError(fmt::format(
          "DistributedDataParallel: rank 0's model has {} parameters and {} buffers but rank "
          "{}'s has {} and {}; every rank must build the same model",
          p[0], p[1], r, p[2 * r], p[2 * r + 1]));
    }
  }
}

// The leaves `output` depends on, found by walking its graph (iteratively: graphs can be long).
std::unordered_set<const TensorImpl*> reached_leaves(const Tensor& output) {
  std::unordered_set<const TensorImpl*> leaves;
  std::unordered_set<const Node*> seen;
  std::vector<Node*> stack;
  if (const Edge e = gradient_edge(output); e.node) stack.push_back(e.node.get());
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    if (!seen.insert(node).second) continue;
    if (auto* acc = dynamic_cast<AccumulateGrad*>(node)) leaves.insert(acc->leaf().get());
    for (const Edge& e : node->next_edges())
      if (e.node) stack.push_back(e.node.get());
  }
  return leaves;
}

}  // namespace

DistributedDataParallel::DistributedDataParallel(nn::Module& module, DDPOptions options)
    : module_(module), options_(options) {
  check_options(options_);
  std::vector<Tensor> params;
  std::vector<std::string> names;
  std::unordered_set<const TensorImpl*> seen;
  const auto named = module_.named_parameters();
  for (const auto& [name, p] : named) {
    if (!seen.insert(p.impl()).second) continue;  // a shared parameter counts once
    if (p.requires_grad()) {
      params.push_back(p);
      names.push_back(name);
    }
  }
  for (const auto& [name, b] : module_.named_buffers()) buffers_.push_back(b);
  check_same_layout(static_cast<int64_t>(named.size()), static_cast<int64_t>(buffers_.size()));
  {
    NoGradGuard no_grad;
    for (const auto& [name, p] : named) broadcast(p, 0);
    for (const Tensor& b : buffers_) broadcast(b, 0);
  }
  detail::ReducerOptions ro;
  ro.bucket_bytes = static_cast<int64_t>(options_.bucket_cap_mb_ * kMiB);
  ro.first_bucket_bytes = static_cast<int64_t>(options_.first_bucket_mb_ * kMiB);
  ro.find_unused_parameters = options_.find_unused_parameters_;
  reducer_ = std::make_unique<detail::Reducer>(std::move(params), std::move(names), ro);
}

DistributedDataParallel::~DistributedDataParallel() = default;

Tensor DistributedDataParallel::forward(const Tensor& input) {
  if (options_.broadcast_buffers_ && !buffers_.empty() && module_.is_training() &&
      world_size() > 1) {
    NoGradGuard no_grad;
    for (const Tensor& b : buffers_) broadcast(b, 0);
  }
  Tensor output = module_.forward(input);
  if (sync_ && GradMode::is_enabled() && output.defined() && output.requires_grad()) {
    if (options_.find_unused_parameters_) {
      const auto reached = reached_leaves(output);
      reducer_->prepare(&reached);
    } else {
      reducer_->prepare(nullptr);
    }
  }
  return output;
}

std::vector<std::vector<std::string>> DistributedDataParallel::bucket_names() const {
  return reducer_->bucket_names();
}

double DistributedDataParallel::last_wait_seconds() const {
  return reducer_->last_wait_seconds();
}

int64_t DistributedDataParallel::sync_steps() const {
  return reducer_->sync_steps();
}

}  // namespace xgrad::dist
