#include <xgrad/tune/sampler.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xgrad::tune {

// Built-ins are added where the registry is made (a static library drops object files that
// nothing refers to, and their static registrations with them).
Registry<SamplerFactory>& sampler_registry() {
  static Registry<SamplerFactory>& registry = []() -> Registry<SamplerFactory>& {
    static Registry<SamplerFactory> r("sampler");
    r.add("random", make_random_sampler);
    r.add("grid", make_grid_sampler);
    r.add("gp", make_gp_sampler);
    return r;
  }();
  return registry;
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, const ValueMap& options) {
  return sampler_registry().get(name)(options);
}

bool counts_for_model(const FrozenTrial& t) {
  return (t.state == TrialState::Complete || t.state == TrialState::Pruned) &&
         std::isfinite(t.value);
}

SearchSpace intersection_search_space(const std::vector<FrozenTrial>& trials) {
  std::optional<SearchSpace> space;
  for (const auto& t : trials) {
    if (!counts_for_model(t)) continue;
    if (!space) {
      space.emplace();
      for (const auto& [name, p] : t.params) (*space)[name] = p.distribution;
      continue;
    }
    for (auto it = space->begin(); it != space->end();) {
      auto p = t.params.find(it->first);
      if (p == t.params.end() || p->second.distribution != it->second)
        it = space->erase(it);
      else
        ++it;
    }
  }
  return space.value_or(SearchSpace{});
}

uint64_t derive_seed(uint64_t seed, uint64_t number, const std::string& salt) {
  auto mix = [](uint64_t z) {  // splitmix64's finaliser
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t h = 1469598103934665603ULL;  // FNV-1a of the salt
  for (unsigned char c : salt) h = (h ^ c) * 1099511628211ULL;
  return mix(mix(mix(seed) ^ number) ^ h);
}

double sample_uniform(const Distribution& d, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> unit(static_cast<size_t>(d.unit_dims()));
  for (auto& x : unit) x = u(rng);
  return d.from_unit(unit.data());
}

int64_t int_option(const ValueMap& o, const char* key, int64_t fallback, int64_t min,
                   const char* what) {
  auto it = o.find(key);
  const int64_t v = it == o.end() ? fallback : it->second.as_int(key);
  if (v < min) throw ValueError(fmt::format("{}: {} must be >= {}, got {}", what, key, min, v));
  return v;
}

void check_options(const char* what, const ValueMap& options,
                   const std::vector<std::string>& known) {
  for (const auto& [key, v] : options) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw ValueError(
          fmt::format("{}: unknown option '{}'; known: {}", what, key, fmt::join(known, ", ")));
    }
  }
}

}  // namespace xgrad::tune
