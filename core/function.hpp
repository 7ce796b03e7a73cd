#pragma once
// Function<T>: how every op, built-in or user-defined, enters the graph (the pattern of
// torch::autograd::Function). An op is a struct with two static functions:
//
//   struct Square : xgrad::Function<Square> {
//     static constexpr const char* name = "square";
//     static Tensor forward(AutogradContext* ctx, const Tensor& x) {
//       ctx->save_for_backward({x});
//       return x * x;
//     }
//     // d(x^2)/dx = 2x
//     static TensorList backward(AutogradContext* ctx, TensorList grad_outputs) {
//       auto x = ctx->get_saved_variables()[0];
//       return {grad_outputs[0] * 2.0 * x};
//     }
//   };
//   auto y = Square::apply(x);
//
// forward runs with recording off; when grad mode is on and an input requires grad, apply()
// makes a node whose backward calls T::backward. backward is written with differentiable ops,
// so with create_graph it is recorded too and gradients of gradients come for free.
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <xgrad/core/anomaly.hpp>
#include <xgrad/core/attrs.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/core/node.hpp>
#include <xgrad/core/saved_tensor.hpp>
#include <xgrad/core/tensor.hpp>

namespace xgrad {

class AutogradContext {
 public:
  /// Keeps tensors for backward (inputs or outputs of forward).
  void save_for_backward(TensorList tensors) { to_save_ = std::move(tensors); }
  /// The tensors saved in forward; AutogradError if one was modified in place since.
  TensorList get_saved_variables() const;
  /// Whether input i (counting the Tensor arguments of forward) needs a gradient.
  bool needs_input_grad(size_t i) const {
    return i < needs_input_grad_.size() && needs_input_grad_[i];
  }
  /// Shape of input i (counting the Tensor arguments of forward), e.g. to sum a broadcast
  /// gradient back to it.
  const Shape& input_shape(size_t i) const { return (*input_meta_)[i].shape; }
  DType input_dtype(size_t i) const { return (*input_meta_)[i].dtype; }
  /// Non-tensor values for backward: ctx->saved_data["dim"] = int64_t(1);
  Attrs saved_data;

 private:
  template <class T>
  friend struct Function;
  friend class FunctionNodeBase;
  TensorList to_save_;
  std::vector<SavedTensor> saved_;
  std::vector<bool> needs_input_grad_;
  const std::vector<TensorMeta>* input_meta_ = nullptr;  // the node's
  std::string op_name_;
};

/// The node type shared by every Function: holds the context, runs T's backward.
class FunctionNodeBase : public Node {
 public:
  AutogradContext ctx;
  bool release_saved() override {
    if (ctx.saved_.empty()) return false;
    ctx.saved_.clear();
    return true;
  }
  std::string forward_name() const override { return ctx.op_name_; }
  /// Connects the node: edges from `inputs`, `outputs` made to point back at it. Outputs that
  /// alias an input or a leaf are replaced by fresh handles sharing the data.
  void connect(const TensorList& inputs, const std::vector<Tensor*>& outputs);
};

/// "leaky_relu" -> "LeakyReluBackward": the name a node of op `op` shows.
std::string backward_node_name(const std::string& op);

namespace detail {
inline void collect_tensors(TensorList&) {}
template <class A, class... Rest>
void collect_tensors(TensorList& out, const A& a, const Rest&... rest) {
  using D = std::decay_t<A>;
  if constexpr (std::is_same_v<D, Tensor>) {
    out.push_back(a);
  } else if constexpr (std::is_same_v<D, TensorList>) {
    out.insert(out.end(), a.begin(), a.end());
  }
  collect_tensors(out, rest...);
}
bool any_requires_grad(const TensorList& tensors);

/// A contiguous copy of a non-contiguous input (defined in core/function.cpp).
Tensor dense_input(const Tensor& t);
TensorList dense_inputs(const TensorList& ts);
/// True when T declares `static constexpr bool accepts_strided = true;`: a view op, whose
/// forward reads the input's layout instead of its data.
template <class T, class = void>
struct accepts_strided : std::false_type {};
template <class T>
struct accepts_strided<T, std::void_t<decltype(T::accepts_strided)>>
    : std::bool_constant<T::accepts_strided> {};
/// A forward argument as T::forward receives it: every Tensor (and TensorList) made contiguous
/// once here, so that no kernel reads a view's storage as if it were row-major; other
/// arguments pass through untouched. View ops (accepts_strided) get their inputs as they are.
template <bool Strided, class A>
decltype(auto) entry_arg(A&& a) {
  using D = std::decay_t<A>;
  if constexpr (!Strided && std::is_same_v<D, Tensor>) {
    return !a.defined() || a.is_contiguous() ? Tensor(a) : dense_input(a);
  } else if constexpr (!Strided && std::is_same_v<D, TensorList>) {
    return dense_inputs(a);
  } else {
    return std::forward<A>(a);
  }
}

/// The op's name: T::name when T declares one, else the type's (demangled) name, so a user
/// Function written as in libtorch (no name) works.
template <class T, class = void>
struct has_name : std::false_type {};
template <class T>
struct has_name<T, std::void_t<decltype(T::name)>> : std::true_type {};
std::string demangled_type_name(const char* mangled);
template <class T>
const char* function_name() {
  if constexpr (has_name<T>::value) {
    static_assert(std::is_convertible_v<decltype(T::name), const char*>,
                  "Function<T>: T::name must be a string: static constexpr const char* name = "
                  "\"my_op\";");
    return T::name;
  } else {
    static const std::string name = demangled_type_name(typeid(T).name());
    return name.c_str();
  }
}

/// For each forward argument after ctx: true when it is a Tensor. Used to map libtorch's
/// backward form (one gradient per forward argument, undefined for non-tensors) onto the
/// engine's (one per tensor input). Empty when a TensorList argument makes counting ambiguous.
template <class... Args>
std::vector<bool> tensor_argument_mask() {
  std::vector<bool> mask{std::is_same_v<std::decay_t<Args>, Tensor>...};
  if ((std::is_same_v<std::decay_t<Args>, TensorList> || ...)) return {};
  return mask;
}
/// The gradients of the tensor inputs out of a backward's result: as is when it has one per
/// tensor input; else, read one per forward argument (the libtorch form) where a non-tensor
/// argument's entry must be undefined and missing trailing entries are undefined. Anything
/// else is returned unchanged, for the engine's count check to report.
TensorList gradients_per_input(TensorList grads, const std::vector<bool>& arg_is_tensor,
                               size_t tensor_inputs, const char* op);
}  // namespace detail

template <class T>
struct Function {
  static TensorList as_list(const Tensor& t) { return {t}; }
  static const TensorList& as_list(const TensorList& ts) { return ts; }

  class BackwardNode final : public FunctionNodeBase {
   public:
    std::string name() const override { return backward_node_name(detail::function_name<T>()); }
    TensorList apply(TensorList&& grad_outputs) override {
      // A gradient may arrive as a view (the backward of transpose is a transpose); backward
      // kernels read flat data, so make it contiguous once (recorded under create_graph).
      for (auto& g : grad_outputs)
        if (g.defined() && !g.is_contiguous()) g = g.contiguous();
      return detail::gradients_per_input(T::backward(&ctx, std::move(grad_outputs)), arg_is_tensor,
                                         next_edges().size(), detail::function_name<T>());
    }
    std::vector<bool> arg_is_tensor;  // per forward argument (see tensor_argument_mask)
  };

  /// Runs T::forward and records it in the graph when needed. Returns what forward returns
  /// (a Tensor or a TensorList).
  template <class... Args>
  static auto apply(Args&&... args) {
    constexpr bool kStrided = detail::accepts_strided<T>::value;
    TensorList inputs;
    detail::collect_tensors(inputs, args...);
    const bool record = GradMode::is_enabled() && detail::any_requires_grad(inputs);
    if (!record) {
      AutogradContext ctx;  // forward may save: it is simply dropped
      NoGradGuard no_grad;
      auto out = T::forward(&ctx, detail::entry_arg<kStrided>(std::forward<Args>(args))...);
      if (AnomalyMode::is_enabled())
        check_forward_anomaly(detail::function_name<T>(), as_list(out));
      return out;
    }
    auto node = std::make_shared<BackwardNode>();
    node->ctx.op_name_ = detail::function_name<T>();
    node->arg_is_tensor = detail::tensor_argument_mask<Args...>();
    node->ctx.needs_input_grad_.reserve(inputs.size());
    for (const auto& in : inputs)
      node->ctx.needs_input_grad_.push_back(in.defined() && in.requires_grad());
    using Out = decltype(T::forward(&node->ctx, std::forward<Args>(args)...));
    Out out = [&] {
      NoGradGuard no_grad;
      return T::forward(&node->ctx, detail::entry_arg<kStrided>(std::forward<Args>(args))...);
    }();
    std::vector<Tensor*> outputs;
    if constexpr (std::is_same_v<Out, Tensor>) {
      outputs.push_back(&out);
    } else {
      for (auto& o : out) outputs.push_back(&o);
    }
    if (AnomalyMode::is_enabled()) check_forward_anomaly(detail::function_name<T>(), as_list(out));
    node->connect(inputs, outputs);
    return out;
  }
};

}  // namespace xgrad
