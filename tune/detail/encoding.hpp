#pragma once
// Internal: a search space's unit box (see distribution.hpp), shared by the gp sampler and
// param_importance: which coordinates belong to which parameter, and moving points of the box
// onto valid configurations.
#include <map>
#include <string>
#include <vector>

#include <xgrad/tune/frozen_trial.hpp>
#include <xgrad/tune/sampler.hpp>

namespace xgrad::tune::detail {

// The unit box of a search space: which coordinates belong to which parameter.
struct Encoding {
  std::vector<std::string> names;
  std::vector<Distribution> dists;
  std::vector<int64_t> offset;   // first coordinate of each parameter
  std::vector<bool> continuous;  // per coordinate: refined by gradient (not one-hot)
  int64_t dims = 0;

  explicit Encoding(const SearchSpace& space) {
    for (const auto& [name, d] : space) {
      names.push_back(name);
      dists.push_back(d);
      offset.push_back(dims);
      dims += d.unit_dims();
      for (int64_t k = 0; k < d.unit_dims(); ++k)
        continuous.push_back(d.kind != Distribution::Kind::Categorical);
    }
  }
  // Internal values from unit coordinates, and the unit coordinates of those values: a point
  // moved onto the nearest valid configuration.
  void decode(const double* u, double* internal) const {
    for (size_t p = 0; p < dists.size(); ++p) internal[p] = dists[p].from_unit(u + offset[p]);
  }
  void encode(const double* internal, double* u) const {
    for (size_t p = 0; p < dists.size(); ++p) dists[p].to_unit(internal[p], u + offset[p]);
  }
  void snap(double* u) const {
    std::vector<double> internal(dists.size());
    decode(u, internal.data());
    encode(internal.data(), u);
  }
  bool encode_trial(const FrozenTrial& t, const std::map<std::string, ParamRecord>& params,
                    double* u) const {
    for (size_t p = 0; p < names.size(); ++p) {
      auto it = params.find(names[p]);
      if (it == params.end() || it->second.distribution != dists[p]) return false;
      dists[p].to_unit(it->second.internal, u + offset[p]);
    }
    return true;
  }
};

}  // namespace xgrad::tune::detail
