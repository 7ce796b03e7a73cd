#include <xgrad/optim/schedulers/lr_plateau.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace xgrad::optim {
namespace {

void check_nonnegative(const char* field, double v, const char* why) {
  if (!(v >= 0.0) || std::isinf(v)) {
    throw ValueError(fmt::format("ReduceLROnPlateau: {} must be a finite number >= 0, got {}; {}",
                                 field, v, why));
  }
}

void check_options(const ReduceLROnPlateauOptions& o, size_t groups) {
  if (o.mode() != "min" && o.mode() != "max") {
    throw ValueError(fmt::format(
        "ReduceLROnPlateau: mode must be \"min\" (a loss) or \"max\" (an accuracy), got \"{}\"",
        o.mode()));
  }
  if (o.threshold_mode() != "rel" && o.threshold_mode() != "abs") {
    throw ValueError(
        fmt::format("ReduceLROnPlateau: threshold_mode must be \"rel\" or \"abs\", got \"{}\"",
                    o.threshold_mode()));
  }
  if (!(o.factor() >= 0.0 && o.factor() < 1.0)) {
    throw ValueError(fmt::format(
        "ReduceLROnPlateau: factor must be in [0, 1), got {}; the new lr is lr * factor",
        o.factor()));
  }
  if (o.patience() < 0) {
    throw ValueError(fmt::format("ReduceLROnPlateau: patience must be >= 0, got {}", o.patience()));
  }
  if (o.cooldown() < 0) {
    throw ValueError(fmt::format("ReduceLROnPlateau: cooldown must be >= 0, got {}", o.cooldown()));
  }
  check_nonnegative("threshold", o.threshold(), "it is the least change counted as improvement");
  check_nonnegative("min_lr", o.min_lr(), "it is the lowest lr");
  check_nonnegative("eps", o.eps(), "smaller reductions are skipped");
  if (!o.min_lrs().empty() && o.min_lrs().size() != groups) {
    throw ValueError(fmt::format(
        "ReduceLROnPlateau: min_lrs has {} values but the optimizer has {} parameter groups; "
        "give one per group, or set min_lr for all",
        o.min_lrs().size(), groups));
  }
  for (double m : o.min_lrs()) check_nonnegative("min_lrs", m, "each is a group's lowest lr");
}

}  // namespace

ReduceLROnPlateauOptions ReduceLROnPlateauOptions::from_map(const OptionMap& options) {
  return detail::options_from_map(ReduceLROnPlateauOptions(), options, {});
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, const ReduceLROnPlateauOptions& options)
    : LRScheduler(optimizer), options_(options) {
  const size_t groups = optimizer.param_groups().size();
  check_options(options, groups);
  min_lrs_ =
      options.min_lrs().empty() ? std::vector<double>(groups, options.min_lr()) : options.min_lrs();
  // PyTorch's mode_worse: the best starts as the worst possible value.
  best_ = options.mode() == "min" ? std::numeric_limits<double>::infinity()
                                  : -std::numeric_limits<double>::infinity();
  set_counters(/*last_epoch=*/0, /*step_count=*/0);  // PyTorch starts it at epoch 0, unstepped
}

std::vector<double> ReduceLROnPlateau::get_lr() {
  std::vector<double> lrs;
  for (size_t i = 0; i < num_groups(); ++i) lrs.push_back(group_lr(i));
  return lrs;
}

// rel/min: a < best·(1 − θ);  abs/min: a < best − θ;  rel/max: a > best·(θ + 1);
// abs/max: a > best + θ.  NaN compares false: never an improvement.
bool ReduceLROnPlateau::is_better(double a) const {
  const double th = options_.threshold();
  const bool rel = options_.threshold_mode() == "rel";
  if (options_.mode() == "min") return rel ? a < best_ * (1. - th) : a < best_ - th;
  return rel ? a > best_ * (th + 1.) : a > best_ + th;
}

// new = max(old·factor, min_lr), applied only when it lowers the lr by more than eps.
void ReduceLROnPlateau::reduce_lr() {
  auto& groups = optimizer().param_groups();
  for (size_t i = 0; i < groups.size(); ++i) {
    const double old_lr = groups[i].options().get_lr();
    const double new_lr = std::max(old_lr * options_.factor(), min_lrs_[i]);
    if (old_lr - new_lr > options_.eps()) groups[i].options().set_lr(new_lr);
  }
}

void ReduceLROnPlateau::step() {
  throw ValueError(
      "ReduceLROnPlateau::step: this scheduler steps on the watched metric; call step(metric) "
      "(e.g. sched.step(validation_loss)), not step()");
}

void ReduceLROnPlateau::step(double metric) {
  check_groups("step");
  set_counters(last_epoch() + 1, step_count() + 1);
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (in_cooldown()) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs during a cooldown are ignored
  }
  if (num_bad_epochs_ > options_.patience()) {
    reduce_lr();
    cooldown_counter_ = options_.cooldown();
    num_bad_epochs_ = 0;
  }
  set_lrs(get_lr());  // get_last_lr(): the groups' lrs now
}

OptionMap ReduceLROnPlateau::extra_state() const {
  return {{"best", best_},
          {"num_bad_epochs", num_bad_epochs_},
          {"cooldown_counter", cooldown_counter_}};
}

void ReduceLROnPlateau::load_extra_state(const OptionMap& state, bool commit) {
  check_option_keys(state, {"best", "num_bad_epochs", "cooldown_counter"},
                    "ReduceLROnPlateau state");
  auto get = [&](const char* key) -> const OptionValue& {
    auto it = state.find(key);
    if (it == state.end()) {
      throw ValueError(fmt::format("ReduceLROnPlateau state: \"{}\" is missing", key));
    }
    return it->second;
  };
  const double best = get("best").as_double("best");
  const int64_t bad = get("num_bad_epochs").as_int("num_bad_epochs");
  const int64_t cooldown = get("cooldown_counter").as_int("cooldown_counter");
  if (bad < 0 || cooldown < 0) {
    throw ValueError(fmt::format(
        "ReduceLROnPlateau state: num_bad_epochs ({}) and cooldown_counter ({}) must be >= 0", bad,
        cooldown));
  }
  if (commit) {
    best_ = best;
    num_bad_epochs_ = bad;
    cooldown_counter_ = cooldown;
  }
}

}  // namespace xgrad::optim
