#include <xgrad/optim/schedulers/lr_onecycle.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xgrad::optim {
namespace {

// Python's math.pi. Named apart from lr_anneal.cpp's kPi: CI's unity builds (.ci/run) may
// compile both files as one translation unit.
constexpr double kOneCyclePi = 3.141592653589793;

bool has_option(const Optimizer& opt, const char* key) {
  const auto names = opt.defaults().option_names();
  return std::find(names.begin(), names.end(), key) != names.end();
}

void check_positive(const char* field, double v, const char* why) {
  if (!(v > 0.0) || std::isinf(v)) {
    throw ValueError(
        fmt::format("OneCycleLR: {} must be a finite number > 0, got {}; {}", field, v, why));
  }
}

void check_options(const OneCycleLROptions& o, size_t groups) {
  if (o.total_steps() < 1) {
    throw ValueError(fmt::format(
        "OneCycleLR: total_steps must be >= 1, got {}; it is the number of step() calls of the "
        "whole run (epochs * steps_per_epoch)",
        o.total_steps()));
  }
  if (!(o.pct_start() >= 0.0 && o.pct_start() <= 1.0)) {
    throw ValueError(fmt::format(
        "OneCycleLR: pct_start must be in [0, 1], got {}; it is the share of the cycle spent "
        "raising the lr",
        o.pct_start()));
  }
  if (o.anneal_strategy() != "cos" && o.anneal_strategy() != "linear") {
    throw ValueError(
        fmt::format("OneCycleLR: anneal_strategy must be \"cos\" or \"linear\", got \"{}\"",
                    o.anneal_strategy()));
  }
  if (!o.max_lrs().empty() && o.max_lrs().size() != groups) {
    throw ValueError(fmt::format(
        "OneCycleLR: max_lrs has {} values but the optimizer has {} parameter groups; give one "
        "per group, or set max_lr for all",
        o.max_lrs().size(), groups));
  }
  if (o.max_lrs().empty()) {
    check_positive("max_lr", o.max_lr(), "it is the peak lr of the cycle");
  }
  for (double m : o.max_lrs()) check_positive("max_lrs", m, "each is a group's peak lr");
  check_positive("div_factor", o.div_factor(), "the first lr is max_lr / div_factor");
  check_positive("final_div_factor", o.final_div_factor(),
                 "the last lr is max_lr / (div_factor * final_div_factor)");
  if (o.cycle_momentum()) {
    for (auto [field, v] : {std::pair<const char*, double>{"base_momentum", o.base_momentum()},
                            {"max_momentum", o.max_momentum()}}) {
      if (!(v >= 0.0 && v < 1.0)) {
        throw ValueError(fmt::format("OneCycleLR: {} must be in [0, 1), got {}", field, v));
      }
    }
  }
}

}  // namespace

OneCycleLROptions OneCycleLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(OneCycleLROptions(0.0, 0), options, {"max_lr", "total_steps"});
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, const OneCycleLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  const size_t groups = num_groups();
  check_options(options, groups);
  if (options.cycle_momentum()) {
    use_beta1_ = has_option(optimizer, "betas");
    if (!use_beta1_ && !has_option(optimizer, "momentum")) {
      throw ValueError(fmt::format(
          "OneCycleLR: cycle_momentum needs an optimizer with a \"momentum\" or \"betas\" "
          "option, and {} has neither; pass cycle_momentum(false)",
          optimizer.name()));
    }
  }
  // Per group (PyTorch's group['initial_lr'], ['max_lr'], ['min_lr']):
  //   initial = max / div_factor,  min = initial / final_div_factor.
  for (size_t i = 0; i < groups; ++i) {
    const double max_lr = options.max_lrs().empty() ? options.max_lr() : options.max_lrs()[i];
    max_lrs_.push_back(max_lr);
    initial_lrs_.push_back(max_lr / options.div_factor());
    min_lrs_.push_back(initial_lrs_.back() / options.final_div_factor());
    max_momenta_.push_back(options.max_momentum());
    base_momenta_.push_back(options.base_momentum());
  }
  // Phase ends as PyTorch computes them: pct·N − 1, (2·pct)·N − 2, N − 1.
  const double n = static_cast<double>(options.total_steps());
  const double pct = options.pct_start();
  if (options.three_phase()) {
    phases_ = {{pct * n - 1, &initial_lrs_, &max_lrs_, &max_momenta_, &base_momenta_},
               {2 * pct * n - 2, &max_lrs_, &initial_lrs_, &base_momenta_, &max_momenta_},
               {n - 1, &initial_lrs_, &min_lrs_, &max_momenta_, &max_momenta_}};
  } else {
    phases_ = {{pct * n - 1, &initial_lrs_, &max_lrs_, &max_momenta_, &base_momenta_},
               {n - 1, &max_lrs_, &min_lrs_, &base_momenta_, &max_momenta_}};
  }
  set_base_lrs(initial_lrs_);
  if (options.cycle_momentum()) {
    for (size_t i = 0; i < groups; ++i) set_momentum(i, options.max_momentum());
  }
  initial_step();
}

// cos: end + (start − end)/2 · (cos(π·pct) + 1);  linear: (end − start)·pct + start.
double OneCycleLR::anneal(double start, double end, double pct) const {
  if (options_.anneal_strategy() == "cos") {
    const double cos_out = std::cos(kOneCyclePi * pct) + 1;
    return end + (start - end) / 2.0 * cos_out;
  }
  return (end - start) * pct + start;
}

void OneCycleLR::set_momentum(size_t group, double momentum) {
  OptimizerOptions& o = optimizer().param_groups()[group].options();
  if (use_beta1_) {
    const auto betas = o.to_map().at("betas").as_pair("betas");
    o.apply({{"betas", std::make_pair(momentum, betas.second)}});
  } else {
    o.apply({{"momentum", momentum}});
  }
}

// The phase holding step t (the last one also takes t = total_steps, PyTorch's one step of
// grace) and the fraction of it done: pct = (t − start) / (end − start).
std::vector<double> OneCycleLR::get_lr() {
  const int64_t t = last_epoch();
  if (t > options_.total_steps()) {
    throw ValueError(fmt::format(
        "OneCycleLR::step: step {} goes past total_steps = {}; make total_steps cover the "
        "whole run (epochs * steps_per_epoch)",
        t, options_.total_steps()));
  }
  const double step = static_cast<double>(t);
  std::vector<double> lrs;
  for (size_t i = 0; i < num_groups(); ++i) {
    double start_step = 0;
    for (size_t k = 0; k < phases_.size(); ++k) {
      const Phase& ph = phases_[k];
      if (step <= ph.end_step || k + 1 == phases_.size()) {
        const double pct = (step - start_step) / (ph.end_step - start_step);
        lrs.push_back(anneal((*ph.start_lr)[i], (*ph.end_lr)[i], pct));
        if (options_.cycle_momentum()) {
          set_momentum(i, anneal((*ph.start_momentum)[i], (*ph.end_momentum)[i], pct));
        }
        break;
      }
      start_step = ph.end_step;
    }
  }
  return lrs;
}

}  // namespace xgrad::optim
