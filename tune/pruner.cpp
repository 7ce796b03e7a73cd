#include <xgrad/tune/pruner.hpp>

#include <xgrad/tune/sampler.hpp>  // check_options

namespace xgrad::tune {
namespace {

class NoPruner : public Pruner {
 public:
  bool prune(const std::vector<FrozenTrial>&, const FrozenTrial&, Direction) const override {
    return false;
  }
};

}  // namespace

Registry<PrunerFactory>& pruner_registry() {
  static Registry<PrunerFactory>& registry = []() -> Registry<PrunerFactory>& {
    static Registry<PrunerFactory> r("pruner");
    r.add("none", make_no_pruner);
    r.add("median", make_median_pruner);
    r.add("asha", make_asha_pruner);
    return r;
  }();
  return registry;
}

std::unique_ptr<Pruner> make_pruner(const std::string& name, const ValueMap& options) {
  return pruner_registry().get(name)(options);
}

std::unique_ptr<Pruner> make_no_pruner(const ValueMap& options) {
  check_options("pruner 'none'", options, {});
  return std::make_unique<NoPruner>();
}

}  // namespace xgrad::tune
