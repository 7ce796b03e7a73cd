// Random search: each parameter uniform over its range (log parameters uniform in log space),
// from a generator seeded by (study seed, trial number, parameter name): trial k's draws do not
// depend on other trials, on the order parameters are asked for, or on n_jobs.
#include <xgrad/tune/sampler.hpp>

namespace xgrad::tune {
namespace {

class RandomSampler : public Sampler {
 public:
  double sample_independent(const SampleContext& ctx, const std::string& name,
                            const Distribution& d) override {
    std::mt19937_64 rng(derive_seed(ctx.seed, uint64_t(ctx.trial.number), name));
    return sample_uniform(d, rng);
  }
};

}  // namespace

std::unique_ptr<Sampler> make_random_sampler(const ValueMap& options) {
  check_options("sampler 'random'", options, {});
  return std::make_unique<RandomSampler>();
}

}  // namespace xgrad::tune
