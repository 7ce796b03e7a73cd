#include <xgrad/core/engine.hpp>

#include <fmt/format.h>

#include <tbb/task_group.h>

#include <atomic>
#include <mutex>
#include <vector>

#include <xgrad/core/anomaly.hpp>
#include <xgrad/core/autocast.hpp>
#include <xgrad/core/creation.hpp>
#include <xgrad/core/detail/tsan.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/core/parallel.hpp>

namespace xgrad {
namespace {

/// The node backward starts from: it hands the output gradients to the outputs' nodes.
class GraphRoot final : public Node {
 public:
  GraphRoot(std::vector<Edge> edges, TensorList grads) : grads_(std::move(grads)) {
    next_edges_ = std::move(edges);
    for (const auto& g : grads_) input_meta_.push_back(TensorMeta{g.shape(), g.dtype()});
  }
  std::string name() const override { return "GraphRoot"; }
  TensorList apply(TensorList&&) override { return grads_; }

 private:
  TensorList grads_;
};

/// Gradient elements from which a node is worth handing to another thread (measured with
/// bench/parallel_bench.cpp: below it, mlp_10_b32 got slower with two threads).
constexpr int64_t kSpawnElements = 1 << 14;

/// Node -> its index in the discovered graph: open addressing with linear probing in one
/// array that doubles at half full. A backward pass looks every edge up; std::unordered_map
/// made one heap node per graph node, a visible share of a small model's step.
class NodeIndex {
 public:
  NodeIndex() : slots_(16, Slot{nullptr, -1}) {}
  /// The index of `node`, or -1.
  int32_t find(const Node* node) const {
    for (size_t i = hash(node);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].node == node) return slots_[i].index;
      if (!slots_[i].node) return -1;
    }
  }
  /// Records a node not yet recorded.
  void insert(const Node* node, int32_t index) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    place(node, index);
    ++size_;
  }

 private:
  struct Slot {
    const Node* node;
    int32_t index;
  };
  size_t hash(const Node* node) const {
    // Fibonacci hashing of the address (allocations are aligned: the low bits carry nothing).
    const auto bits = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(node));
    return static_cast<size_t>((bits * 0x9E3779B97F4A7C15ull) >> 32) & (slots_.size() - 1);
  }
  void place(const Node* node, int32_t index) {
    size_t i = hash(node);
    while (slots_[i].node) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = Slot{node, index};
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{nullptr, -1});
    old.swap(slots_);
    for (const Slot& slot : old)
      if (slot.node) place(slot.node, slot.index);
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
};

/// A gradient to hand back instead of accumulating (xgrad::grad): the one arriving at
/// output `output_nr` of `node`.
struct Capture {
  Node* node;
  uint32_t output_nr;
};

class GraphTask;
/// The pass whose node this thread is running (nested backward calls save and restore it):
/// where queue_backward_callback puts its callback.
thread_local GraphTask* t_current_task = nullptr;

struct CurrentTaskScope {
  explicit CurrentTaskScope(GraphTask* task) : saved(t_current_task) { t_current_task = task; }
  ~CurrentTaskScope() { t_current_task = saved; }
  CurrentTaskScope(const CurrentTaskScope&) = delete;
  CurrentTaskScope& operator=(const CurrentTaskScope&) = delete;
  GraphTask* saved;
};

/// One backward pass over one graph: the dependency count and slot layout, then the run.
/// All per-node arrays are indexed by the node's position in discovery order.
class GraphTask {
 public:
  GraphTask(Node* root, std::vector<Capture> captures, bool retain_graph, bool create_graph)
      : captures_(std::move(captures)),
        retain_graph_(retain_graph),
        create_graph_(create_graph),
        detect_anomaly_(AnomalyMode::is_enabled()) {
    discover(root);
    mark_executed();
    layout_slots();
  }

  /// Index of `node` in the discovered graph, or -1 when backward does not reach it.
  int32_t find(Node* node) const { return index_.find(node); }

  /// Runs every ready node until none is left; returns the captured gradients. With more
  /// than one thread, nodes that become ready together run as parallel TBB tasks; the results
  /// are the same because every node sums its slots in slot order.
  TensorList run() {
    captured_.assign(captures_.size(), Tensor());
    if (get_num_threads() == 1 || nodes_.size() < 3) {
      AutoGradMode grad_mode(create_graph_);
      std::vector<int32_t> ready{0};
      while (!ready.empty()) {
        const int32_t u = ready.back();
        ready.pop_back();
        run_node(u, ready);
      }
    } else {
      tbb::task_group tasks;
      try {
        run_chain(0, tasks);  // on this thread; heavy side branches go to other threads
      } catch (...) {
        tasks.cancel();
        tasks.wait();  // a task_group must not be destroyed with tasks in flight
        throw;
      }
      tasks.wait();  // rethrows the first error of any task
      XGRAD_TSAN_ACQUIRE(&detail::tsan_handoff);
    }
    run_callbacks();
    return std::move(captured_);
  }

  void queue_callback(std::function<void()> callback) {
    std::lock_guard<std::mutex> lock(callbacks_mutex_);
    callbacks_.push_back(std::move(callback));
  }

  // Every node has run and no other thread works on this pass any more; a callback may queue
  // further ones, which run after it.
  void run_callbacks() {
    CurrentTaskScope scope(this);
    for (size_t i = 0;; ++i) {
      std::function<void()> callback;
      {
        std::lock_guard<std::mutex> lock(callbacks_mutex_);
        if (i >= callbacks_.size()) break;
        callback = std::move(callbacks_[i]);
      }
      callback();
    }
  }

  // Depth-first from the root, iteratively (a 100,000-node chain must not recurse). Records
  // each node once, in a fixed order, and a post-order (every node after all it feeds).
  void discover(Node* root) {
    add_node(root);
    std::vector<std::pair<int32_t, size_t>> stack{{0, 0}};
    while (!stack.empty()) {
      const int32_t u = stack.back().first;
      const size_t pos = stack.back().second;
      const auto& edges = nodes_[u]->next_edges();
      if (pos == edges.size()) {
        post_order_.push_back(u);
        stack.pop_back();
        continue;
      }
      stack.back().second = pos + 1;
      Node* v = edges[pos].node.get();
      if (v && index_.find(v) < 0) stack.emplace_back(add_node(v), 0);
    }
  }

  int32_t add_node(Node* node) {
    const auto id = static_cast<int32_t>(nodes_.size());
    index_.insert(node, id);
    nodes_.push_back(node);
    return id;
  }

  // Which nodes run their backward: all of them when accumulating; when capturing, only those
  // from which a captured gradient can be reached (the rest of the graph is skipped).
  void mark_executed() {
    const size_t n = nodes_.size();
    is_target_.assign(n, 0);
    executed_.assign(n, captures_.empty() ? 1 : 0);
    if (captures_.empty()) return;
    for (const auto& c : captures_) {
      const int32_t id = find(c.node);
      if (id >= 0) is_target_[id] = 1;
    }
    for (int32_t u : post_order_) {
      for (const auto& e : nodes_[u]->next_edges()) {
        if (!e.node) continue;
        const int32_t v = index_.find(e.node.get());
        if (is_target_[v] || executed_[v]) {
          executed_[u] = 1;
          break;
        }
      }
    }
  }

  // One slot per edge that carries a gradient, grouped by receiving node (CSR layout), in
  // discovery order: the order a node sums its gradients in.
  void layout_slots() {
    const size_t n = nodes_.size();
    std::vector<int32_t> count(n, 0);
    edge_base_.assign(n + 1, 0);
    for (size_t u = 0; u < n; ++u)
      edge_base_[u + 1] = edge_base_[u] + nodes_[u]->next_edges().size();
    edge_slot_.assign(edge_base_[n], -1);
    edge_target_.assign(edge_base_[n], -1);
    for (size_t u = 0; u < n; ++u) {
      if (!executed_[u]) continue;
      if (u > 0 && nodes_[u]->is_released()) throw_released(nodes_[u]);
      const auto& edges = nodes_[u]->next_edges();
      for (size_t i = 0; i < edges.size(); ++i) {
        if (!edges[i].node) continue;
        const int32_t v = index_.find(edges[i].node.get());
        if (executed_[v] || is_target_[v]) {
          edge_target_[edge_base_[u] + i] = v;
          edge_slot_[edge_base_[u] + i] = count[v]++;  // local slot number, made global below
        }
      }
    }
    slot_base_.assign(n + 1, 0);
    for (size_t v = 0; v < n; ++v) slot_base_[v + 1] = slot_base_[v] + count[v];
    slots_.resize(slot_base_[n]);
    slot_output_.assign(slot_base_[n], 0);
    for (size_t u = 0; u < n; ++u) {
      const auto& edges = nodes_[u]->next_edges();
      for (size_t i = 0; i < edges.size(); ++i) {
        const size_t e = edge_base_[u] + i;
        if (edge_slot_[e] < 0) continue;
        edge_slot_[e] += slot_base_[edge_target_[e]];
        slot_output_[edge_slot_[e]] = edges[i].input_nr;
      }
    }
    deps_ = std::vector<std::atomic<int32_t>>(n);
    for (size_t v = 0; v < n; ++v) deps_[v].store(count[v], std::memory_order_relaxed);
  }

  [[noreturn]] static void throw_released(Node* node) {
    throw AutogradError(fmt::format(
        "backward: trying to run backward through the graph a second time ({} was already "
        "run and its saved tensors freed); pass retain_graph=true to the first backward "
        "if you need to run it again",
        node->name()));
  }

  // Runs `u`, then keeps going on this thread with one node it made ready, handing the
  // others to new tasks: a chain never pays for a task switch.
  void spawn(int32_t u, tbb::task_group& tasks) {
    auto task = tasks.defer([this, u, &tasks] {
      XGRAD_TSAN_ACQUIRE(&detail::tsan_handoff);
      run_chain(u, tasks);
    });
    XGRAD_TSAN_RELEASE(&detail::tsan_handoff);
    tasks.run(std::move(task));
  }

  // Runs `u` and whatever it makes ready, depth first, on this thread, handing a newly ready
  // node to another thread only when it is heavy enough to pay for the hand-off (a side branch
  // of small tensors is cheaper to run here than to wake a thread for).
  void run_chain(int32_t u, tbb::task_group& tasks) {
    AutoGradMode grad_mode(create_graph_);  // grad mode is per thread
    std::vector<int32_t> local{u};
    while (!local.empty()) {
      const int32_t next = local.back();
      local.pop_back();
      const size_t before = local.size();
      run_node(next, local);
      if (local.size() - before > 1) {
        // Keep the last one made ready for this thread; spawn the heavy others.
        size_t kept = before;
        for (size_t i = before; i + 1 < local.size(); ++i) {
          if (is_heavy(local[i])) {
            spawn(local[i], tasks);
          } else {
            local[kept++] = local[i];
          }
        }
        local[kept++] = local.back();
        local.resize(kept);
      }
    }
    XGRAD_TSAN_RELEASE(&detail::tsan_handoff);  // for whoever waits on this task
  }

  /// Whether a node's gradients are large enough (kSpawnElements) to run it on another thread.
  bool is_heavy(int32_t v) const {
    int64_t elements = 0;
    for (const auto& meta : nodes_[v]->output_meta()) elements += shape_numel(meta.shape);
    return elements >= kSpawnElements;
  }

  void run_node(int32_t u, std::vector<int32_t>& ready) {
    CurrentTaskScope scope(this);
    Node* node = nodes_[u];
    // Sum the incoming gradients per output, in slot order.
    TensorList grads(node->num_outputs());
    for (int32_t s = slot_base_[u]; s < slot_base_[u + 1]; ++s) {
      if (!slots_[s].defined()) continue;
      Tensor& g = grads[slot_output_[s]];
      g = g.defined() ? g + slots_[s] : std::move(slots_[s]);
      slots_[s] = Tensor();
    }
    for (uint32_t o = 0; o < grads.size(); ++o) {
      if (!grads[o].defined())
        grads[o] = zeros(node->output_meta()[o].shape, node->output_meta()[o].dtype);
      grads[o] = node->run_pre_hooks(o, std::move(grads[o]));
    }
    if (is_target_[u]) {
      for (size_t c = 0; c < captures_.size(); ++c)
        if (captures_[c].node == node) captured_[c] = grads[captures_[c].output_nr];
    }
    if (!executed_[u]) return;

    TensorList outs;
    {
      // Ops inside a backward formula are not checked one by one: the node's results are,
      // below, so that an anomaly is reported against the backward node it comes from.
      AnomalyGuard per_node_check(false);
      // Backward formulas run without autocast whichever thread runs them (a TBB worker or the
      // caller, inside a guard or not): products that autocast re-apply the state they recorded
      // at forward (ops/linalg.cpp), every other op's backward stays float32, as in PyTorch.
      AutocastGuard no_autocast(AutocastDType::None);
      outs = node->apply(std::move(grads));
    }
    check_gradients(*node, outs);
    if (detect_anomaly_) check_backward_anomaly(*node, outs);
    if (!retain_graph_ && u > 0) node->mark_released();

    for (size_t i = 0; i < outs.size(); ++i) {
      const size_t e = edge_base_[u] + i;
      if (edge_slot_[e] < 0) continue;
      slots_[edge_slot_[e]] = std::move(outs[i]);
      // acq_rel: the last writer's slot contents are visible to whoever runs the node.
      if (deps_[edge_target_[e]].fetch_sub(1, std::memory_order_acq_rel) == 1)
        ready.push_back(edge_target_[e]);
    }
  }

  // A backward must return one gradient per input, each of the input's shape and dtype.
  static void check_gradients(const Node& node, const TensorList& outs) {
    const auto& edges = node.next_edges();
    if (outs.size() != edges.size()) {
      throw AutogradError(
          fmt::format("{}: backward returned {} gradients, but the op has {} "
                      "inputs (return one per input, undefined for none)",
                      node.name(), outs.size(), edges.size()));
    }
    for (size_t i = 0; i < outs.size(); ++i) {
      if (!outs[i].defined() || !edges[i].node) continue;
      const TensorMeta& meta = node.input_meta()[i];
      if (outs[i].shape() != meta.shape) {
        throw AutogradError(
            fmt::format("{}: backward returned a gradient of shape {} for input {} of shape {}",
                        node.name(), shape_str(outs[i].shape()), i, shape_str(meta.shape)));
      }
      if (outs[i].dtype() != meta.dtype) {
        throw AutogradError(
            fmt::format("{}: backward returned a {} gradient for input {} of dtype {}", node.name(),
                        dtype_name(outs[i].dtype()), i, dtype_name(meta.dtype)));
      }
    }
  }

  static void check_backward_anomaly(const Node& node, const TensorList& outs) {
    for (size_t i = 0; i < outs.size(); ++i) {
      if (has_non_finite(outs[i])) {
        throw AutogradError(fmt::format(
            "anomaly mode: {} (the backward of op '{}') produced NaN or Inf in the gradient "
            "for input {} (shape {})",
            node.name(), node.forward_name(), i, shape_str(outs[i].shape())));
      }
    }
  }

  std::vector<Capture> captures_;
  bool retain_graph_;
  bool create_graph_;
  bool detect_anomaly_;  // read once: nodes may run on other threads
  NodeIndex index_;
  std::vector<Node*> nodes_;
  std::vector<int32_t> post_order_;
  std::vector<char> is_target_, executed_;
  std::vector<int32_t> edge_base_, edge_slot_, edge_target_;  // per edge of every node
  std::vector<int32_t> slot_base_;                            // per node: its first slot
  std::vector<uint32_t> slot_output_;                         // per slot: the output it feeds
  TensorList slots_;
  std::vector<std::atomic<int32_t>> deps_;  // per node: slots not yet filled
  TensorList captured_;
  std::mutex callbacks_mutex_;
  std::vector<std::function<void()>> callbacks_;
};

/// The root node: checks the outputs and their gradients (ones for one-element outputs).
std::shared_ptr<GraphRoot> make_root(const TensorList& outputs, const TensorList& grad_outputs,
                                     const char* fn) {
  if (outputs.empty()) throw ValueError(fmt::format("{}: no outputs to differentiate", fn));
  if (grad_outputs.size() > outputs.size()) {
    throw ValueError(fmt::format("{}: {} grad_outputs given for {} outputs", fn,
                                 grad_outputs.size(), outputs.size()));
  }
  std::vector<Edge> edges;
  TensorList grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& out = outputs[i];
    if (!out.defined()) throw ValueError(fmt::format("{}: output {} is undefined", fn, i));
    if (!out.requires_grad()) {
      throw AutogradError(fmt::format(
          "{}: output {} (shape {}) does not require grad and has no grad_fn: no input it was "
          "computed from requires grad, or it was computed under NoGradGuard",
          fn, i, shape_str(out.shape())));
    }
    Tensor g = i < grad_outputs.size() ? grad_outputs[i] : Tensor();
    if (!g.defined()) {
      if (out.numel() != 1) {
        throw AutogradError(fmt::format(
            "{}: a gradient can be created implicitly only for a one-element output, but "
            "output {} has shape {}; pass grad_output of that shape",
            fn, i, shape_str(out.shape())));
      }
      g = ones(out.shape(), out.dtype());
    } else if (g.shape() != out.shape()) {
      throw ShapeError(fmt::format("{}: grad_output {} has shape {} but the output has shape {}",
                                   fn, i, shape_str(g.shape()), shape_str(out.shape())));
    } else if (g.dtype() != out.dtype()) {
      throw DTypeError(fmt::format("{}: grad_output {} is {} but the output is {}", fn, i,
                                   dtype_name(g.dtype()), dtype_name(out.dtype())));
    }
    edges.push_back(gradient_edge(out));
    grads.push_back(std::move(g));
  }
  return std::make_shared<GraphRoot>(std::move(edges), std::move(grads));
}

}  // namespace

void backward(const TensorList& outputs, const TensorList& grad_outputs, bool retain_graph,
              bool create_graph) {
  auto root = make_root(outputs, grad_outputs, "backward");
  // As in PyTorch, recording the backward (create_graph) keeps the graph too.
  GraphTask(root.get(), {}, retain_graph || create_graph, create_graph).run();
}

TensorList grad(const TensorList& outputs, const TensorList& inputs, const TensorList& grad_outputs,
                std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  auto root = make_root(outputs, grad_outputs, "grad");
  if (inputs.empty()) throw ValueError("grad: no inputs to differentiate with respect to");
  std::vector<Capture> captures;
  std::vector<Edge> keep_alive;  // a leaf's AccumulateGrad may exist only through this edge
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Edge e = gradient_edge(inputs[i]);
    if (!e.node) {
      throw AutogradError(fmt::format("grad: input {} does not require grad", i));
    }
    captures.push_back(Capture{e.node.get(), e.input_nr});
    keep_alive.push_back(e);
  }
  GraphTask task(root.get(), captures, retain_graph.value_or(create_graph), create_graph);
  for (size_t i = 0; i < captures.size(); ++i) {
    if (task.find(captures[i].node) < 0 && !allow_unused) {
      throw AutogradError(
          fmt::format("grad: input {} (shape {}) was not used to compute the outputs; pass "
                      "allow_unused=true if that is expected",
                      i, shape_str(inputs[i].shape())));
    }
  }
  return task.run();
}

void queue_backward_callback(std::function<void()> callback) {
  if (!t_current_task) {
    throw AutogradError(
        "queue_backward_callback: no backward pass is running on this thread; call it from a "
        "hook or a node's backward while backward() or grad() runs");
  }
  if (!callback) throw ValueError("queue_backward_callback: the callback is empty");
  t_current_task->queue_callback(std::move(callback));
}

void Tensor::backward(const Tensor& grad_output, bool retain_graph, bool create_graph) const {
  xgrad::backward({*this}, grad_output.defined() ? TensorList{grad_output} : TensorList{},
                  retain_graph, create_graph);
}

}  // namespace xgrad
