#include <xgrad/core/to_dot.hpp>

#include <fmt/format.h>

#include <unordered_map>

#include <xgrad/core/detail/accumulate_grad.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/core/file_io.hpp>

namespace xgrad {

std::string to_dot(const Tensor& root, const NamedTensors& names) {
  std::string dot =
      "digraph xgrad {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", "
      "fillcolor=white, fontname=\"Helvetica\"];\n";
  const auto label_of_leaf = [&](const TensorImpl* impl) -> std::string {
    for (const auto& [name, t] : names)
      if (t.impl() == impl) return name;
    return {};
  };
  dot += fmt::format("  out [label=\"output\\n{}\", fillcolor=\"#fde9a9\"];\n",
                     shape_str(root.shape()));
  if (!root.grad_fn()) {
    return dot + "}\n";
  }
  // Iterative walk: each node once, ids in discovery order.
  std::unordered_map<const Node*, size_t> ids;
  std::vector<const Node*> stack{root.grad_fn().get()};
  ids[root.grad_fn().get()] = 0;
  dot += "  n0 -> out;\n";
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    const size_t id = ids.at(node);
    if (const auto* acc = dynamic_cast<const AccumulateGrad*>(node)) {
      const std::string name = label_of_leaf(acc->leaf().get());
      dot += fmt::format("  n{} [label=\"{}\\n{}\", shape=ellipse, fillcolor=\"{}\"];\n", id,
                         name.empty() ? "leaf" : name, shape_str(acc->leaf()->shape),
                         name.empty() ? "#dddddd" : "#a9d5fd");
    } else {
      const auto& meta = node->output_meta();
      const std::string op = node->forward_name();
      dot += fmt::format("  n{} [label=\"{}\\n{}\"];\n", id, op.empty() ? node->name() : op,
                         meta.empty() ? "" : shape_str(meta[0].shape));
    }
    for (const auto& e : node->next_edges()) {
      if (!e.node) continue;
      auto [it, inserted] = ids.emplace(e.node.get(), ids.size());
      if (inserted) stack.push_back(e.node.get());
      dot += fmt::format("  n{} -> n{};\n", it->second, id);
    }
  }
  return dot + "}\n";
}

void write_dot(const Tensor& root, const std::string& path, const NamedTensors& names) {
  const std::string text = to_dot(root, names);
  write_file_atomic(
      path, [&](int fd) { return write_all(fd, text.data(), text.size()); }, "write_dot");
}

}  // namespace xgrad
