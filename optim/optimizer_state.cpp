// Optimizer state to and from tensors + metadata (state_dict / load_state_dict) and files.
//
// Layout (safetensors): every state buffer is a tensor `state.<param index>.<buffer>`, the
// index counting parameters group by group. String metadata:
//   "format"       "xgrad.optimizer/1"
//   "optimizer"    the optimizer's name ("Adam")
//   "param_groups" JSON [{"params": [0, 1], "options": {"lr": 0.001, "betas": [0.9, 0.999]}}]
//   "param_shapes" JSON [[3], [2, 2]]
//   "state"        JSON {"0": {"step": 10, "scalars": {"mu_product": 0.53}}}
// JSON numbers are written with the shortest text that reads back to the same double, so a
// resumed run is bitwise identical; non-finite scalars are written as strings ("inf").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include <xgrad/core/detail/bounded_json.hpp>
#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/shape.hpp>
#include <xgrad/optim/detail/state_json.hpp>
#include <xgrad/optim/optimizer.hpp>

namespace xgrad::optim {
namespace {

using json = nlohmann::json;
constexpr const char* kFormat = "xgrad.optimizer/1";

using detail::number_json;
using detail::option_value_json;

double json_number(const json& j, const std::string& what) {
  if (auto x = detail::number_from_json(j)) return *x;
  throw ValueError(fmt::format("{} is not a number: {}", what, json_excerpt(j)));
}

OptionValue json_option(const json& j, const std::string& key) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return static_cast<long long>(j.get<int64_t>());
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>();
  if (j.is_array()) {
    std::vector<double> list;
    for (const auto& x : j) list.push_back(json_number(x, "option '" + key + "'"));
    return list;
  }
  throw ValueError(fmt::format("option '{}' has an unsupported value {}", key, json_excerpt(j)));
}

json shape_json(const Shape& shape) {
  return json(std::vector<int64_t>(shape.begin(), shape.end()));
}

const std::string& meta(const Metadata& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) throw ValueError(fmt::format("the metadata has no \"{}\" entry", key));
  return it->second;
}

json parse(const std::string& text, const std::string& key) {
  json out;
  std::string why;
  if (!parse_json_bounded(text, out, why))
    throw ValueError(fmt::format("metadata \"{}\" is {}", key, why));
  return out;
}

}  // namespace

OptimizerStateDict Optimizer::state_dict() const {
  OptimizerStateDict sd;
  json groups = json::array(), shapes = json::array(), state = json::object();
  int64_t index = 0;
  for (const auto& g : groups_) {
    json group{{"params", json::array()}, {"options", json::object()}};
    for (const auto& [key, value] : g.options().to_map()) {
      json j = option_value_json(value);
      if (value.type() == OptionValue::Type::String) {
        // nlohmann's dump() throws on a string that is not UTF-8: find it here, by key.
        try {
          (void)j.dump();
        } catch (const json::exception& e) {
          throw ValueError(fmt::format(
              "{}::state_dict: option '{}' of parameter group {} is not a valid UTF-8 string, "
              "so it cannot be saved as JSON metadata ({})",
              name(), key, groups.size(), e.what()));
        }
      }
      group["options"][key] = std::move(j);
    }
    for (const auto& p : g.params()) {
      group["params"].push_back(index);
      shapes.push_back(shape_json(p.shape()));
      if (const ParamState* s = this->state(p)) {
        json scalars = json::object();
        for (const auto& [name, v] : s->scalars) scalars[name] = number_json(v);
        state[std::to_string(index)] = json{{"step", s->step}, {"scalars", scalars}};
        for (const auto& [name, buffer] : s->buffers) {
          sd.tensors.emplace(fmt::format("state.{}.{}", index, name), buffer.clone());
        }
      }
      ++index;
    }
    groups.push_back(group);
  }
  try {
    sd.metadata = {{"format", kFormat},
                   {"optimizer", name()},
                   {"param_groups", groups.dump()},
                   {"param_shapes", shapes.dump()},
                   {"state", state.dump()}};
  } catch (const json::exception& e) {
    // e.g. a state scalar whose name is not UTF-8 (option strings are checked above)
    throw ValueError(
        fmt::format("{}::state_dict: the state cannot be written as JSON ({})", name(), e.what()));
  }
  return sd;
}

void Optimizer::validate_state(const ParamState& state, const Tensor& param,
                               const OptimizerOptions& options, int64_t index) const {
  auto expected = buffer_names(options);
  for (const auto& name : expected) {
    auto it = state.buffers.find(name);
    if (it == state.buffers.end()) {
      throw ValueError(fmt::format("parameter {} has state but no '{}' buffer", index, name));
    }
    if (it->second.shape() != param.shape()) {
      throw ShapeError(
          fmt::format("state buffer '{}' of parameter {} has shape {}; the parameter "
                      "has shape {}",
                      name, index, shape_str(it->second.shape()), shape_str(param.shape())));
    }
  }
  for (const auto& [name, buffer] : state.buffers) {
    if (std::find(expected.begin(), expected.end(), name) == expected.end()) {
      throw ValueError(
          fmt::format("parameter {} has an unexpected state buffer '{}' (this "
                      "optimizer's options keep: {})",
                      index, name, fmt::join(expected, ", ")));
    }
  }
  if (state.step < 0 || state.step > ParamState::kMaxStep) {
    throw ValueError(
        fmt::format("parameter {} has a step count {} outside [0, 2^53]", index, state.step));
  }
}

void Optimizer::load_state_dict(const OptimizerStateDict& sd) {
  const std::string who = name() + "::load_state_dict";
  try {
    // Everything is read and checked into new objects; the optimizer changes only at the end.
    const auto& format = meta(sd.metadata, "format");
    if (format != kFormat) {
      throw ValueError(fmt::format("format \"{}\" is not \"{}\"", format, kFormat));
    }
    const auto& saved_name = meta(sd.metadata, "optimizer");
    if (saved_name != name()) {
      throw ValueError(fmt::format("the state is of a {} optimizer, not {}", saved_name, name()));
    }
    const json groups = parse(meta(sd.metadata, "param_groups"), "param_groups");
    const json shapes = parse(meta(sd.metadata, "param_shapes"), "param_shapes");
    const json state = parse(meta(sd.metadata, "state"), "state");
    if (!groups.is_array() || !shapes.is_array() || !state.is_object()) {
      throw ValueError("param_groups and param_shapes must be JSON arrays, state an object");
    }
    if (groups.size() != groups_.size()) {
      throw ValueError(fmt::format("the state has {} parameter groups; this optimizer has {}",
                                   groups.size(), groups_.size()));
    }
    std::vector<Tensor> params;
    std::vector<std::size_t> group_of;
    std::vector<std::unique_ptr<OptimizerOptions>> options;
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
      const json& g = groups[gi];
      if (!g.is_object() || !g.contains("params") || !g.contains("options") ||
          !g["params"].is_array() || !g["options"].is_object()) {
        throw ValueError(fmt::format("parameter group {} lacks \"params\" or \"options\"", gi));
      }
      if (g["params"].size() != groups_[gi].params().size()) {
        throw ValueError(fmt::format("parameter group {} has {} parameters in the state; {} here",
                                     gi, g["params"].size(), groups_[gi].params().size()));
      }
      for (std::size_t k = 0; k < groups_[gi].params().size(); ++k) {
        const json& saved_index = g["params"][k];
        const auto expected_index = static_cast<int64_t>(params.size());
        if (!saved_index.is_number_integer() || saved_index.get<int64_t>() != expected_index) {
          throw ValueError(
              fmt::format("parameter group {} lists parameter {} at position {}; "
                          "expected {} (parameters are numbered group by group)",
                          gi, json_excerpt(saved_index), k, expected_index));
        }
        params.push_back(groups_[gi].params()[k]);
        group_of.push_back(gi);
      }
      OptionMap saved;
      for (const auto& [key, value] : g["options"].items())
        saved.emplace(key, json_option(value, key));
      auto o = groups_[gi].options().clone();
      o->apply(saved);
      validate_options(*o);
      options.push_back(std::move(o));
    }
    if (shapes.size() != params.size()) {
      throw ValueError(fmt::format("the state is for {} parameters; this optimizer has {}",
                                   shapes.size(), params.size()));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      Shape saved_shape;
      for (const auto& d : shapes[i]) saved_shape.push_back(d.get<int64_t>());
      if (saved_shape != params[i].shape()) {
        throw ShapeError(fmt::format("parameter {} has shape {} in the state; here {}", i,
                                     shape_str(saved_shape), shape_str(params[i].shape())));
      }
    }
    // Per-parameter state: steps and scalars from the metadata, buffers from the tensors.
    std::unordered_map<const TensorImpl*, ParamState> new_state;
    std::vector<ParamState*> by_index(params.size(), nullptr);
    for (const auto& [key, entry] : state.items()) {
      std::size_t pos = 0;
      int64_t i = -1;
      try {
        i = std::stoll(key, &pos);
      } catch (const std::exception&) {
      }
      if (pos != key.size() || i < 0 || i >= static_cast<int64_t>(params.size())) {
        throw ValueError(fmt::format("state entry \"{}\" is not a parameter index below {}", key,
                                     params.size()));
      }
      if (!entry.is_object() || !entry.contains("step") || !entry["step"].is_number_integer()) {
        throw ValueError(fmt::format("state entry {} has no integer \"step\"", key));
      }
      ParamState s;
      s.step = entry["step"].get<int64_t>();
      if (entry.contains("scalars")) {
        for (const auto& [name, v] : entry["scalars"].items()) {
          s.scalars[name] = json_number(v, fmt::format("scalar '{}' of parameter {}", name, i));
        }
      }
      by_index[i] = &(new_state[params[i].impl()] = std::move(s));
    }
    for (const auto& [tensor_name, tensor] : sd.tensors) {
      // "state.<index>.<buffer>"
      const auto dot = tensor_name.find('.', 6);
      std::size_t pos = 0;
      int64_t i = -1;
      if (tensor_name.rfind("state.", 0) == 0 && dot != std::string::npos) {
        try {
          i = std::stoll(tensor_name.substr(6, dot - 6), &pos);
        } catch (const std::exception&) {
        }
      }
      if (i < 0 || pos != dot - 6 || i >= static_cast<int64_t>(params.size()) || !by_index[i]) {
        throw ValueError(
            fmt::format("tensor \"{}\" does not name the state of a parameter "
                        "(state.<index>.<buffer>, with the index in \"state\")",
                        tensor_name));
      }
      const Tensor& p = params[i];
      if (tensor.dtype() != DType::Float32 && tensor.dtype() != DType::Float64) {
        throw DTypeError(fmt::format("tensor \"{}\" has dtype {}; state is floating point",
                                     tensor_name, dtype_name(tensor.dtype())));
      }
      // A copy in the dtype the optimizer computes in, never sharing the caller's data.
      const DType dtype = state_dtype(p);
      by_index[i]->buffers[tensor_name.substr(dot + 1)] =
          tensor.dtype() == dtype ? tensor.detach().clone() : tensor.detach().to(dtype);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (by_index[i]) {
        validate_state(*by_index[i], params[i], *options[group_of[i]], static_cast<int64_t>(i));
      }
    }
    // Commit: nothing below throws.
    for (std::size_t gi = 0; gi < groups_.size(); ++gi)
      groups_[gi].set_options(std::move(options[gi]));
    state_ = std::move(new_state);
  } catch (const IOError&) {
    throw;
  } catch (const ShapeError& e) {
    throw ShapeError(fmt::format("{}: {}", who, e.what()));
  } catch (const DTypeError& e) {
    throw DTypeError(fmt::format("{}: {}", who, e.what()));
  } catch (const Error& e) {
    throw ValueError(fmt::format("{}: {}", who, e.what()));
  } catch (const json::exception& e) {
    throw ValueError(fmt::format("{}: malformed metadata ({})", who, e.what()));
  }
}

void Optimizer::save(const std::string& path) const {
  OptimizerStateDict sd = state_dict();
  save_tensors(sd.tensors, path, sd.metadata);
}

void Optimizer::load(const std::string& path) {
  OptimizerStateDict sd;
  sd.tensors = load_tensors(path, &sd.metadata);
  try {
    load_state_dict(sd);
  } catch (const ShapeError& e) {
    // The file is readable but does not fit this optimizer: name the file too.
    throw ShapeError(fmt::format("{} (file {})", e.what(), path));
  } catch (const DTypeError& e) {
    throw DTypeError(fmt::format("{} (file {})", e.what(), path));
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("{} (file {})", e.what(), path));
  }
}

}  // namespace xgrad::optim
