#include <xgrad/insight/gradient_monitor.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include <xgrad/core/error.hpp>
#include <xgrad/core/grad_mode.hpp>
#include <xgrad/insight/monitor_plot.hpp>
#include <xgrad/insight/tensor_stats.hpp>
#include <xgrad/nn/activation.hpp>

namespace xgrad::insight {

namespace {
/// "relu", "sigmoid", "tanh" for the activation modules the monitor measures, else "".
const char* activation_kind(nn::Module& m) {
  if (dynamic_cast<nn::ReLU*>(&m)) return "relu";
  if (dynamic_cast<nn::Sigmoid*>(&m)) return "sigmoid";
  if (dynamic_cast<nn::Tanh*>(&m)) return "tanh";
  return "";
}
}  // namespace

GradientMonitor::GradientMonitor(nn::Module& model, const MonitorOptions& options)
    : model_(model), options_(options) {
  if (options.every_ < 1)
    throw ValueError(fmt::format("GradientMonitor: every must be >= 1, got {}", options.every_));
  if (!(options.saturation_margin_ > 0 && options.saturation_margin_ < 0.5))
    throw ValueError(fmt::format(
        "GradientMonitor: saturation_margin must be in (0, 0.5), got {} (an output within it of "
        "an asymptote counts as saturated)",
        options.saturation_margin_));
  for (auto& [name, module] : model.named_modules()) {
    if (names_.count(module)) continue;  // a module registered under two names
    names_[module] = name.empty() ? module->name() : name;
    auto own = module->parameters(/*recurse=*/false);
    if (own.empty()) continue;
    Layer layer;
    layer.name = names_[module];
    layer.module = module;
    layer.parameters = own;
    for (const auto& p : own) layer.has_matrix |= p.dim() >= 2;
    layers_.push_back(std::move(layer));
  }
  if (layers_.empty())
    throw ValueError(
        fmt::format("GradientMonitor: the model ({}) has no parameters to watch", model.name()));
  arm();  // step 0 is sampled
}

GradientMonitor::~GradientMonitor() {
  disarm();
}

void GradientMonitor::arm() {
  armed_ = true;
  non_finite_.clear();
  sites_.clear();
  site_order_.clear();
  calls_.clear();
  {
    NoGradGuard no_grad;  // the weights before the update, to measure the update
    for (auto& layer : layers_) {
      layer.before.clear();
      for (const auto& p : layer.parameters) layer.before.push_back(p.detach().clone());
    }
  }
  // A new forward of the whole model starts the activation calls from 0 again, so that the
  // micro-batches of gradient accumulation add up in the same sites.
  handles_.push_back(model_.register_forward_pre_hook([this](nn::Module&, const Tensor&) {
    calls_.clear();
    last_weight_layer_.clear();
  }));
  for (const auto& entry : names_) {
    auto* module = const_cast<nn::Module*>(entry.first);
    handles_.push_back(module->register_forward_hook(
        [this](nn::Module& m, const Tensor&, const Tensor& out) { on_forward(m, out); }));
    // A graph recorded on a sampled step keeps its backward hooks after the monitor is gone:
    // they check that it still is.
    std::weak_ptr<const bool> alive = alive_;
    handles_.push_back(module->register_full_backward_hook(
        [this, alive](nn::Module& m, const Tensor& gi, const Tensor& go) {
          if (alive.lock()) on_backward(m, gi, go);
        }));
  }
}

void GradientMonitor::disarm() {
  for (auto& h : handles_) h.remove();
  handles_.clear();
  for (auto& layer : layers_) layer.before.clear();
  armed_ = false;
}

void GradientMonitor::record_non_finite(const std::string& where) {
  std::lock_guard<std::mutex> lock(non_finite_mutex_);
  if (non_finite_.empty()) non_finite_ = where;
}

void GradientMonitor::on_forward(nn::Module& module, const Tensor& output) {
  if (!module.is_training() || !output.defined()) return;  // evaluation passes do not count
  const std::string& name = names_.at(&module);
  // The first module, in execution order, whose output is non-finite produced it: the ones
  // that ran before had finite outputs.
  if (non_finite_.empty() && !all_finite(output)) {
    std::string where = "forward: output of " + name;
    for (const auto& p : module.parameters(/*recurse=*/false)) {
      if (all_finite(p)) continue;
      // The step that broke them was not sampled; every(1) shows it as it happens.
      where += " (its parameters were already non-finite: an earlier update made them so)";
      break;
    }
    record_non_finite(where);
  }
  if (auto it = std::find_if(layers_.begin(), layers_.end(),
                             [&](const Layer& l) { return l.module == &module; });
      it != layers_.end()) {
    const size_t index = static_cast<size_t>(it - layers_.begin());
    if (!ordered_ && std::find(call_order_.begin(), call_order_.end(), index) == call_order_.end())
      call_order_.push_back(index);
    if (it->has_matrix) last_weight_layer_ = name;
  }
  const std::string kind = activation_kind(module);
  if (kind.empty()) return;
  const auto key = std::make_pair(static_cast<const nn::Module*>(&module), calls_[&module]++);
  auto [site_it, fresh] = sites_.try_emplace(key);
  Site& site = site_it->second;
  if (fresh) {
    site.kind = kind;
    site.after = last_weight_layer_;
    site_order_.push_back(key);
  }
  if (kind == "relu") {
    mark_alive_units(output, site.alive);
  } else {
    const double lo = kind == "sigmoid" ? 0.0 : -1.0;
    site.saturated += count_saturated(output, lo, 1.0, options_.saturation_margin_);
  }
  site.elements += output.numel();
}

void GradientMonitor::on_backward(nn::Module& module, const Tensor& grad_input,
                                  const Tensor& grad_output) {
  // Produced here: what comes out of the module's backward is non-finite, what went in is not.
  if (!grad_input.defined() || all_finite(grad_input)) return;
  if (grad_output.defined() && !all_finite(grad_output)) return;
  record_non_finite("backward: gradient of the input of " + names_.at(&module));
}

Sample GradientMonitor::collect() {
  if (!ordered_ && !call_order_.empty()) {
    // Forward order reads better than registration order (MLP registers all Linears first).
    std::vector<Layer> sorted;
    std::vector<bool> taken(layers_.size(), false);
    for (size_t i : call_order_) {
      sorted.push_back(std::move(layers_[i]));
      taken[i] = true;
    }
    for (size_t i = 0; i < layers_.size(); ++i)
      if (!taken[i]) sorted.push_back(std::move(layers_[i]));  // never called: at the end
    layers_ = std::move(sorted);
    ordered_ = true;
    // Samples taken before any forward (in registration order) follow, so that every sample
    // lists the layers in the same order.
    for (auto& earlier : samples_) {
      std::vector<LayerSample> reordered;
      for (const auto& layer : layers_)
        for (auto& l : earlier.layers)
          if (l.name == layer.name) reordered.push_back(std::move(l));
      earlier.layers = std::move(reordered);
    }
  }
  Sample sample;
  sample.step = steps_;
  // A norm is non-finite exactly when the tensor holds NaN or inf (a sum of squares in double
  // does not overflow for float data), so the norms double as the finiteness checks.
  std::string bad_grad, bad_weight;  // the first, in backward order (last layer first)
  auto finite_or_inf = [](double v) { return std::isfinite(v) ? v : INFINITY; };
  for (const auto& layer : layers_) {
    LayerSample s;
    s.name = layer.name;
    s.has_matrix = layer.has_matrix;
    double grad2 = 0, weight2 = 0, before2 = 0, delta2 = 0;
    bool any_grad = false, grad_ok = true, weight_ok = true;
    for (size_t i = 0; i < layer.parameters.size(); ++i) {
      const Tensor& p = layer.parameters[i];
      const Tensor g = p.grad();
      if (g.defined()) {
        any_grad = true;
        const double n = l2_norm(g);
        grad2 += n * n;
        grad_ok &= std::isfinite(n);
      }
      const Tensor* before = i < layer.before.size() ? &layer.before[i] : nullptr;
      if (before && before->shape() == p.shape() && before->dtype() == p.dtype()) {
        const UpdateNorms u = update_norms(p, *before);
        weight2 += u.after * u.after;
        before2 += u.before * u.before;
        delta2 += u.delta * u.delta;
        weight_ok &= std::isfinite(u.after);
      } else {
        const double n = l2_norm(p);
        weight2 += n * n;
        weight_ok &= std::isfinite(n);
      }
    }
    // NaN stays "not measured"; a norm over NaN or inf values is reported as inf.
    if (any_grad) s.grad_norm = finite_or_inf(std::sqrt(grad2));
    s.weight_norm = finite_or_inf(std::sqrt(weight2));
    if (before2 > 0 || !std::isfinite(before2))  // non-finite weights: inf, not unmeasured
      s.update_ratio = finite_or_inf(std::sqrt(delta2) / std::sqrt(before2));
    if (!grad_ok) bad_grad = "backward: gradient of the parameters of " + layer.name;
    if (!weight_ok) bad_weight = "parameters of " + layer.name;
    sample.layers.push_back(std::move(s));
  }
  std::map<const nn::Module*, int64_t> calls_per_module;
  for (const auto& key : site_order_) ++calls_per_module[key.first];
  for (const auto& key : site_order_) {
    const Site& site = sites_.at(key);
    ActivationSample a;
    a.name = names_.at(key.first);
    if (calls_per_module[key.first] > 1) a.name += fmt::format("[{}]", key.second);
    a.after = site.after;
    a.kind = site.kind;
    if (site.kind == "relu") {
      a.units = static_cast<int64_t>(site.alive.size());
      const auto dead = std::count(site.alive.begin(), site.alive.end(), uint8_t{0});
      a.dead_share = a.units > 0 ? double(dead) / double(a.units) : 0.0;
    } else {
      a.saturated_share = site.elements > 0 ? double(site.saturated) / double(site.elements) : 0;
    }
    sample.activations.push_back(std::move(a));
  }
  sample.non_finite = !non_finite_.empty() ? non_finite_
                      : !bad_grad.empty()  ? bad_grad
                                           : bad_weight;
  return sample;
}

void GradientMonitor::step() {
  if (armed_) {
    Sample sample = collect();
    disarm();
    samples_.push_back(std::move(sample));
  }
  ++steps_;
  if (steps_ % options_.every_ == 0) arm();
}

std::string GradientMonitor::report(const DiagnosisOptions& options) const {
  std::string out;
  if (samples_.empty()) return "GradientMonitor: no sample yet (call step() after each step)\n";
  const Sample& s = samples_.back();
  out += fmt::format("step {}: {:<14} {:>11} {:>11} {:>13}\n", s.step, "layer", "grad norm",
                     "weight norm", "update/weight");
  for (const auto& l : s.layers)
    out += fmt::format("  {:<22} {:>11.3e} {:>11.3e} {:>13.3e}\n", l.name, l.grad_norm,
                       l.weight_norm, l.update_ratio);
  for (const auto& a : s.activations) {
    out += fmt::format("  {:<22} {}", a.name, a.kind);
    out += a.kind == "relu"
               ? fmt::format(": {:.0f}% of {} units dead", 100 * a.dead_share, a.units)
               : fmt::format(": {:.0f}% of outputs saturated", 100 * a.saturated_share);
    out += a.after.empty() ? "\n" : fmt::format(" (after {})\n", a.after);
  }
  if (!s.non_finite.empty()) out += "  non-finite values first in " + s.non_finite + "\n";
  const auto found = diagnose(options);
  if (found.empty()) out += "diagnosis: no problem found\n";
  for (const auto& d : found) out += d.to_string() + "\n";
  return out;
}

void GradientMonitor::write_svg(const std::string& path, const std::string& title) const {
  write_monitor_svg(samples_, path, title);
}

}  // namespace xgrad::insight
