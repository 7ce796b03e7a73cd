#pragma once
// The graph behind a tensor in Graphviz DOT: one box per backward node (op name and output
// shape), leaves and parameters marked, edges in the forward direction (input -> op).
//   xgrad::write_dot(loss, "graph.dot", {{"w1", w1}, {"b1", b1}});   // then: dot -Tsvg graph.dot
#include <string>
#include <utility>
#include <vector>

#include <xgrad/core/tensor.hpp>

namespace xgrad {

/// Named tensors (parameters) to label in the drawing.
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

/// The DOT text of the graph that produced `root`.
std::string to_dot(const Tensor& root, const NamedTensors& names = {});
/// Writes to_dot(root, names) to `path` atomically; IOError naming the path and the reason
/// when the file cannot be written.
void write_dot(const Tensor& root, const std::string& path, const NamedTensors& names = {});

}  // namespace xgrad
