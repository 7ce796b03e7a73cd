#include <xgrad/core/node.hpp>

#include <xgrad/core/detail/accumulate_grad.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/grad_mode.hpp>

namespace xgrad {

Node::~Node() {
  // Destroying a chain recursively (each node's edges freeing the next node) would use one
  // stack frame per node. Instead, take over the edges of every node about to die with us and
  // release them from a loop: each such node's destructor then finds no edges left.
  std::vector<std::shared_ptr<Node>> pending;
  auto take_edges = [&pending](std::vector<Edge>& edges) {
    for (auto& e : edges)
      if (e.node) pending.push_back(std::move(e.node));
    edges.clear();
  };
  take_edges(next_edges_);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    if (node.use_count() == 1) take_edges(node->next_edges_);
  }
}

void Node::add_input(const Tensor& input) {
  if (!input.defined()) {
    next_edges_.push_back(Edge{});
    input_meta_.push_back(TensorMeta{});
    return;
  }
  next_edges_.push_back(gradient_edge(input));
  input_meta_.push_back(TensorMeta{input.shape(), input.dtype()});
}

uint32_t Node::add_output(const Tensor& output) {
  output_meta_.push_back(TensorMeta{output.shape(), output.dtype()});
  return static_cast<uint32_t>(output_meta_.size() - 1);
}

void Node::add_pre_hook(uint32_t output_nr, TensorHook fn) {
  pre_hooks_.push_back(PreHook{output_nr, std::move(fn)});
}

Tensor Node::run_pre_hooks(uint32_t output_nr, Tensor grad) const {
  for (const auto& hook : pre_hooks_) {
    if (hook.output_nr != output_nr) continue;
    Tensor replaced = hook.fn(grad);
    if (replaced.defined()) grad = std::move(replaced);
  }
  return grad;
}

Edge gradient_edge(const Tensor& t) {
  if (!t.defined()) return Edge{};
  if (const auto& fn = t.grad_fn()) return Edge{fn, t.output_nr()};
  if (t.requires_grad()) return Edge{grad_accumulator(t), 0};
  return Edge{};
}

std::shared_ptr<Node> grad_accumulator(const Tensor& leaf) {
  TensorImpl& impl = *leaf.impl();
  std::lock_guard<std::mutex> lock(impl.mutex);
  if (auto existing = impl.grad_accumulator.lock()) return existing;
  auto node = std::make_shared<AccumulateGrad>(leaf.impl_ptr());
  node->add_output(leaf);
  impl.grad_accumulator = node;
  return node;
}

AccumulateGrad::AccumulateGrad(std::shared_ptr<TensorImpl> leaf) : leaf_(std::move(leaf)) {}

Tensor AccumulateGrad::run_pre_hooks(uint32_t, Tensor grad) const {
  for (const auto& hook : leaf_->hooks) {
    Tensor replaced = hook(grad);
    if (replaced.defined()) grad = std::move(replaced);
  }
  return grad;
}

TensorList AccumulateGrad::apply(TensorList&& grad_outputs) {
  accumulate_into_grad(*leaf_, grad_outputs[0]);
  // Copied under the lock, run outside it: a hook reads (or replaces) the grad itself.
  std::vector<PostAccumulateGradHook> hooks;
  {
    std::lock_guard<std::mutex> lock(leaf_->mutex);
    if (leaf_->post_accumulate_hooks.empty()) return {};
    for (const auto& entry : leaf_->post_accumulate_hooks) hooks.push_back(entry.second);
  }
  const Tensor leaf(leaf_);
  for (const auto& hook : hooks) hook(leaf);
  return {};
}

void accumulate_into_grad(TensorImpl& impl, const Tensor& incoming) {
  std::lock_guard<std::mutex> lock(impl.mutex);
  if (!impl.grad.defined()) {
    if (GradMode::is_enabled()) {
      // create_graph: keep the gradient's graph, but in a tensor of its own (the incoming one
      // may also be handed to other inputs, as an add does).
      impl.grad = incoming.clone();
    } else {
      // Another node may hand the same gradient to several inputs (an add does); store a
      // copy unless this is the only reference to the data.
      if (!incoming.is_contiguous()) {  // an expanded or transposed gradient: one fresh copy
        impl.grad = incoming.contiguous();
        return;
      }
      const bool sole_owner =
          incoming.impl_ptr().use_count() == 1 && incoming.impl()->storage.use_count() == 1 &&
          incoming.is_contiguous();  // .grad is read flat by optimizers: never a view
      impl.grad = sole_owner ? incoming.detach() : incoming.clone();
    }
  } else if (GradMode::is_enabled()) {
    impl.grad = impl.grad + incoming;
  } else {
    impl.grad.add_(incoming);
  }
}

}  // namespace xgrad
