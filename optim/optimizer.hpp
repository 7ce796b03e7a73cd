#pragma once
// The optimizer driver: parameter groups (each with its own options), lazily created
// per-parameter state, step() / step(closure), zero_grad(), state_dict() and save/load.
// An optimizer itself is an options struct plus an update rule over one parameter and its
// state (the policy split of ensmallen); the driver here handles groups, state and the loop.
//
//   auto opt = xgrad::optim::Adam(model_params, xgrad::optim::AdamOptions(1e-3));
//   opt.zero_grad();  loss.backward();  opt.step();
//
// Writing one (see examples/custom_optimizer.cpp and docs/optimizers.md): each option is
// declared once, by XGRAD_OPTION (optim/option_fields.hpp), which also lists it by name.
//   struct LionOptions : OptionsBase<LionOptions> {
//     XGRAD_OPTIONS("Lion");
//     LionOptions(double lr = 1e-4) : lr_(lr) {}
//     XGRAD_OPTION(double, lr);
//     XGRAD_OPTION(Betas, betas) = {0.9, 0.99};
//   };
//   class Lion : public BasicOptimizer<Lion, LionOptions> {
//     using BasicOptimizer::BasicOptimizer;
//     static void validate(const LionOptions& o);                             // throws ValueError
//     static std::vector<std::string> state_buffers(const LionOptions&) { return {"exp_avg"}; }
//     void update_param(const Tensor& p, const Tensor& g, ParamState& s, const LionOptions& o);
//   };
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xgrad/core/error.hpp>
#include <xgrad/core/safetensors.hpp>
#include <xgrad/core/tensor.hpp>
#include <xgrad/optim/option_fields.hpp>
#include <xgrad/optim/options.hpp>

namespace xgrad::optim {

/// Two coefficients such as Adam's (beta1, beta2).  Example: AdamOptions().betas({0.9, 0.99})
using Betas = std::pair<double, double>;

/// Throws ValueError("<who>: invalid <field> <value>: it must be <rule>") unless `ok`; for
/// options validation.  Example: check_option(lr >= 0, "Adam", "lr", lr, ">= 0");
void check_option(bool ok, const char* who, const char* field, double value, const char* rule);

/// The options of one parameter group, seen through the driver (and by schedulers).
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  /// A deep copy.  Example: auto copy = group.options().clone();
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  /// The learning rate.  Example: double lr = group.options().get_lr();
  virtual double get_lr() const = 0;
  /// Sets the learning rate (what schedulers do).  Example: group.options().set_lr(0.01);
  virtual void set_lr(double lr) = 0;
  /// Every option by name.  Example: opt.defaults().to_map().at("betas")
  virtual OptionMap to_map() const = 0;
  /// Sets the named options, leaving the others; unknown or ill-typed → ValueError listing the
  /// valid names (nothing is changed then).  Example: options.apply({{"lr", 0.1}});
  virtual void apply(const OptionMap& options) = 0;
  /// The option names, in declaration order.  Example: defaults().option_names()
  virtual std::vector<std::string> option_names() const = 0;
};

namespace detail {
// OptionValue <-> field, for the field types options structs use.
void read_field(const OptionValue& v, const std::string& key, double& out);
void read_field(const OptionValue& v, const std::string& key, int64_t& out);
void read_field(const OptionValue& v, const std::string& key, bool& out);
void read_field(const OptionValue& v, const std::string& key, std::string& out);
void read_field(const OptionValue& v, const std::string& key, Betas& out);
void read_field(const OptionValue& v, const std::string& key, std::vector<double>& out);
void read_field(const OptionValue& v, const std::string& key, std::vector<int64_t>& out);
inline OptionValue field_value(double v) {
  return v;
}
inline OptionValue field_value(int64_t v) {
  return v;
}
inline OptionValue field_value(bool v) {
  return v;
}
inline OptionValue field_value(const std::string& v) {
  return v;
}
inline OptionValue field_value(const Betas& v) {
  return v;
}
inline OptionValue field_value(const std::vector<double>& v) {
  return v;
}
inline OptionValue field_value(const std::vector<int64_t>& v) {
  return v;
}
/// Rethrows a field's type error as "<who>: ... ; valid options: ..." .
[[noreturn]] void rethrow_option_error(const std::string& who, const std::string& what,
                                       const std::vector<std::string>& valid);
}  // namespace detail

/// Implements OptimizerOptions for an options struct from its field list: Derived declares
/// its name and options with XGRAD_OPTIONS("Name") and XGRAD_OPTION lines (one of them `lr`);
/// a struct with `kName` and a hand-written `template <class Self, class F> static void
/// fields(Self& self, F&& f)` calling f("name", self.name_) per option works as well.
/// Example: struct AdamOptions : OptionsBase<AdamOptions> { XGRAD_OPTIONS("Adam"); ... };
template <class Derived>
class OptionsBase : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  double get_lr() const override { return self().lr(); }
  void set_lr(double lr) override { self().lr(lr); }
  OptionMap to_map() const override {
    OptionMap map;
    Derived::fields(self(), [&](const char* key, const auto& field) {
      map.emplace(key, detail::field_value(field));
    });
    return map;
  }
  std::vector<std::string> option_names() const override {
    std::vector<std::string> names;
    Derived::fields(self(), [&](const char* key, const auto&) { names.emplace_back(key); });
    return names;
  }
  void apply(const OptionMap& options) override {
    auto valid = option_names();
    check_option_keys(options, valid, Derived::kName);
    Derived copy = self();  // all or nothing: read into a copy, then assign
    try {
      Derived::fields(copy, [&](const char* key, auto& field) {
        auto it = options.find(key);
        if (it != options.end()) detail::read_field(it->second, key, field);
      });
    } catch (const ValueError& e) {
      detail::rethrow_option_error(Derived::kName, e.what(), valid);
    }
    self() = std::move(copy);
  }
  /// Defaults overridden by `options`.  Example: auto o = AdamOptions::from_map({{"lr", 0.1}});
  static Derived from_map(const OptionMap& options) {
    Derived o;
    o.apply(options);
    return o;
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  Derived& self() { return static_cast<Derived&>(*this); }
};

/// A set of parameters sharing options (per-layer learning rates).  Options may be a full
/// options object, a map of overrides applied onto the optimizer's defaults, or none.
///   ParamGroup({w1, b1}, {{"lr", 1e-2}});   ParamGroup({w2}, AdamOptions(1e-4));
class ParamGroup {
 public:
  /// Parameters with the optimizer's default options.  Example: ParamGroup({w, b})
  ParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}
  /// Parameters with these defaults overridden.  Example: ParamGroup({w}, {{"lr", 0.1}})
  ParamGroup(std::vector<Tensor> params, OptionMap overrides)
      : params_(std::move(params)), overrides_(std::move(overrides)) {}
  /// Parameters with full options.  Example: ParamGroup({w}, std::make_unique<SGDOptions>(0.1))
  ParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  /// Parameters with full options, copied.  Example: ParamGroup({w}, AdamOptions(1e-4))
  template <class O, class = std::enable_if_t<std::is_base_of_v<OptimizerOptions, O>>>
  ParamGroup(std::vector<Tensor> params, const O& options)
      : params_(std::move(params)), options_(options.clone()) {}

  ParamGroup(const ParamGroup& other);
  ParamGroup& operator=(const ParamGroup& other);
  ParamGroup(ParamGroup&&) = default;
  ParamGroup& operator=(ParamGroup&&) = default;

  /// Whether full options are set (always true inside an optimizer).  Example: g.has_options()
  bool has_options() const { return options_ != nullptr; }
  /// The group's options; ValueError if it has none yet.  Example: g.options().set_lr(0.1);
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  /// Replaces the options.  Example: g.set_options(std::make_unique<AdamOptions>(0.1));
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  /// The overrides given at construction (applied when the group joins an optimizer).
  const OptionMap& overrides() const { return overrides_; }
  /// The parameters.  Example: for (auto& p : g.params()) ...
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  OptionMap overrides_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// One parameter's optimizer state: its step count, buffers (exp_avg, momentum_buffer, ...)
/// and scalars.  Example: opt.state(w)->buffers.at("exp_avg")
struct ParamState {
  int64_t step = 0;
  /// The largest step count: steps enter the update rules as doubles (beta^step), exact to 2^53.
  static constexpr int64_t kMaxStep = int64_t{1} << 53;
  std::map<std::string, Tensor> buffers;
  std::map<std::string, double> scalars;
};

/// The whole optimizer state as tensors plus string metadata: exactly what is written to a
/// safetensors file.  Tensors are `state.<param index>.<buffer>`; metadata holds
/// "optimizer", "param_groups" (options as JSON), "param_shapes" and "state" (steps and
/// scalars as JSON).  Example: auto sd = opt.state_dict(); other.load_state_dict(sd);
struct OptimizerStateDict {
  TensorDict tensors;
  Metadata metadata;
};

/// The closure of step(closure): recomputes the loss (zero_grad, forward, backward) and
/// returns it.  Example: opt.step([&] { opt.zero_grad(); auto l = f(x); l.backward(); return l; });
using LossClosure = std::function<Tensor()>;

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// One update of every parameter that has a gradient.  With a closure, calls it first
  /// (with grad mode on) and returns its loss; otherwise returns an undefined Tensor.
  /// Example: opt.step();   auto loss = opt.step(closure);
  virtual Tensor step(const LossClosure& closure = nullptr);
  /// Clears every parameter's gradient (undefined, or zeros when !set_to_none).
  /// Example: opt.zero_grad();
  void zero_grad(bool set_to_none = true);
  /// Adds a group; options not given are the defaults.
  ///   Example: opt.add_param_group({{b}, {{"lr", 0.1}}});
  void add_param_group(ParamGroup group);
  /// The groups (options are mutable: schedulers set lr here).
  ///   Example: opt.param_groups()[0].options().set_lr(0.1);
  std::vector<ParamGroup>& param_groups() { return groups_; }
  const std::vector<ParamGroup>& param_groups() const { return groups_; }
  /// The options new groups start from.  Example: opt.defaults().get_lr()
  const OptimizerOptions& defaults() const { return *defaults_; }
  OptimizerOptions& defaults() { return *defaults_; }
  /// Every parameter, group by group (the order of state indices).
  ///   Example: opt.parameters().size()
  std::vector<Tensor> parameters() const;
  /// The state of `param`, or null before its first step.  Example: opt.state(w)->step
  ParamState* state(const Tensor& param);
  const ParamState* state(const Tensor& param) const;
  /// The optimizer's name, as in error messages and state files ("Adam").  Example: opt.name()
  virtual std::string name() const = 0;

  /// A snapshot (copies) of the state and every group's options.
  ///   Example: auto sd = opt.state_dict();
  OptimizerStateDict state_dict() const;
  /// Restores a snapshot after checking it fits (optimizer name, groups, shapes, buffers);
  /// on error nothing changes.  Example: opt.load_state_dict(sd);
  void load_state_dict(const OptimizerStateDict& state_dict);
  /// Writes state_dict() to a safetensors file, atomically.  Example: opt.save("opt.safetensors");
  void save(const std::string& path) const;
  /// Reads a file written by save() into this optimizer; on error nothing changes.
  /// Example: opt.load("opt.safetensors");
  void load(const std::string& path);

 protected:
  /// `defaults` are the options of groups that give none; the derived constructor adds the
  /// groups (add_param_group validates through virtual calls, not available here yet).
  explicit Optimizer(std::unique_ptr<OptimizerOptions> defaults) : defaults_(std::move(defaults)) {}

  /// The update rule: changes `param` in place from `grad` (same shape and dtype) and its
  /// state (step already incremented), under no-grad.  The default throws: optimizers that
  /// work on the whole problem at once (LBFGS) override step() instead.
  virtual void update(const Tensor& param, const Tensor& grad, ParamState& state,
                      const OptimizerOptions& options);
  /// Throws ValueError naming the optimizer, field and value for invalid options.
  virtual void validate_options(const OptimizerOptions& options) const = 0;
  /// Throws ValueError if a loaded state cannot belong to `param` under `options` (default:
  /// exactly the buffers buffer_names() lists, each of param's shape).
  virtual void validate_state(const ParamState& state, const Tensor& param,
                              const OptimizerOptions& options, int64_t index) const;
  /// The buffers a parameter's state holds under `options`.
  virtual std::vector<std::string> buffer_names(const OptimizerOptions& options) const = 0;
  /// The dtype of loaded state buffers (loaded tensors are converted to it): the parameter's.
  virtual DType state_dtype(const Tensor& param) const { return param.dtype(); }

  /// Whole groups, state of all parameters (LBFGS keeps its state on the first parameter).
  std::unordered_map<const TensorImpl*, ParamState>& all_state() { return state_; }

  /// Checks every gradient against its parameter before anything changes: DTypeError for a
  /// dtype mismatch, ShapeError for a shape mismatch.
  void check_grads() const;
  /// Checks the existing state of every parameter that has a gradient before anything
  /// changes: each buffer must have state_dtype(param), else DTypeError naming the parameter
  /// index and both dtypes (a parameter converted in place, e.g. by Module::to, after its
  /// state was created).  Shapes are not checked: a rule may keep buffers of other shapes.
  void check_state() const;

 private:
  std::vector<ParamGroup> groups_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::unordered_map<const TensorImpl*, ParamState> state_;
};

/// The typed half of an optimizer: validates options in the constructor and hands the update
/// rule its own options type.  Derived provides `static void validate(const Options&)`
/// (throws ValueError), `static std::vector<std::string> state_buffers(const Options&)` (the
/// buffers it keeps per parameter) and
/// `void update_param(const Tensor&, const Tensor&, ParamState&, const Options&)`.
/// Example: class Lion : public BasicOptimizer<Lion, LionOptions> { ... };
template <class Derived, class Options>
class BasicOptimizer : public Optimizer {
 public:
  /// One group with these options.  Example: Adam(params, AdamOptions(1e-3))
  BasicOptimizer(std::vector<Tensor> params, const Options& options = Options())
      : BasicOptimizer(std::vector<ParamGroup>{ParamGroup(std::move(params))}, options) {}
  /// One group, name-keyed options.  Example: Adam(params, {{"lr", 1e-3}})
  BasicOptimizer(std::vector<Tensor> params, const OptionMap& options)
      : BasicOptimizer(std::vector<ParamGroup>{ParamGroup(std::move(params))}, options) {}
  /// Several groups; groups without options take `defaults`.
  ///   Example: Adam({g1, g2}, AdamOptions())
  BasicOptimizer(std::vector<ParamGroup> groups, const Options& defaults = Options())
      : Optimizer(validated(defaults)) {
    for (auto& g : groups) add_param_group(std::move(g));
  }
  /// Name-keyed options (what the registry calls).  Example: Adam(groups, {{"lr", 1e-3}})
  BasicOptimizer(std::vector<ParamGroup> groups, const OptionMap& options)
      : BasicOptimizer(std::move(groups), Options::from_map(options)) {}

  std::string name() const override { return Options::kName; }

 protected:
  void update(const Tensor& param, const Tensor& grad, ParamState& state,
              const OptimizerOptions& options) override {
    static_cast<Derived*>(this)->update_param(param, grad, state,
                                              static_cast<const Options&>(options));
  }
  void validate_options(const OptimizerOptions& options) const override {
    auto* typed = dynamic_cast<const Options*>(&options);
    if (!typed) {
      throw ValueError(std::string(Options::kName) +
                       ": a parameter group has options of another optimizer");
    }
    Derived::validate(*typed);
  }
  std::vector<std::string> buffer_names(const OptimizerOptions& options) const override {
    return Derived::state_buffers(static_cast<const Options&>(options));
  }

 private:
  static std::unique_ptr<OptimizerOptions> validated(const Options& o) {
    Derived::validate(o);
    return o.clone();
  }
};

}  // namespace xgrad::optim
