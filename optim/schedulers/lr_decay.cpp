#include <xgrad/optim/schedulers/lr_decay.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xgrad::optim {
namespace {

void check_gamma(const char* who, double gamma) {
  if (!(gamma >= 0.0) || std::isinf(gamma)) {
    throw ValueError(fmt::format(
        "{}: gamma must be a finite number >= 0, got {}; it multiplies the lr at each decay", who,
        gamma));
  }
}

}  // namespace

// ---- StepLR -------------------------------------------------------------------------------

StepLROptions StepLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(StepLROptions(1), options, {"step_size"});
}

StepLR::StepLR(Optimizer& optimizer, const StepLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  if (options.step_size() < 1) {
    throw ValueError(fmt::format(
        "StepLR: step_size must be >= 1, got {}; it is the number of epochs between decays",
        options.step_size()));
  }
  check_gamma("StepLR", options.gamma());
  initial_step();
}

// Chainable: lr·γ on every multiple of step_size, else unchanged.
std::vector<double> StepLR::get_lr() {
  std::vector<double> lrs;
  const bool decay = last_epoch() != 0 && last_epoch() % options_.step_size() == 0;
  for (size_t i = 0; i < num_groups(); ++i) {
    lrs.push_back(decay ? group_lr(i) * options_.gamma() : group_lr(i));
  }
  return lrs;
}

// base·γ^⌊epoch / step_size⌋
std::optional<std::vector<double>> StepLR::closed_form_lr() const {
  std::vector<double> lrs;
  const auto k = static_cast<double>(last_epoch() / options_.step_size());
  for (double base : base_lrs()) lrs.push_back(base * std::pow(options_.gamma(), k));
  return lrs;
}

// ---- MultiStepLR --------------------------------------------------------------------------

MultiStepLROptions MultiStepLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(MultiStepLROptions({}), options, {"milestones"});
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, const MultiStepLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  for (int64_t m : options.milestones()) {
    if (m < 1) {
      throw ValueError(fmt::format(
          "MultiStepLR: milestones must be epochs >= 1, got {}; the lr is multiplied by gamma "
          "when the epoch count reaches each milestone",
          m));
    }
    ++counts_[m];
  }
  check_gamma("MultiStepLR", options.gamma());
  initial_step();
}

// Chainable: lr·γ^(times epoch is listed) at a milestone, else unchanged.
std::vector<double> MultiStepLR::get_lr() {
  std::vector<double> lrs;
  auto it = counts_.find(last_epoch());
  for (size_t i = 0; i < num_groups(); ++i) {
    lrs.push_back(it == counts_.end() ? group_lr(i)
                                      : group_lr(i) * std::pow(options_.gamma(), it->second));
  }
  return lrs;
}

// base·γ^(number of milestones ≤ epoch), PyTorch's bisect_right over the sorted milestones.
std::optional<std::vector<double>> MultiStepLR::closed_form_lr() const {
  int64_t passed = 0;
  for (const auto& [m, n] : counts_) {
    if (m <= last_epoch()) passed += n;
  }
  std::vector<double> lrs;
  for (double base : base_lrs()) {
    lrs.push_back(base * std::pow(options_.gamma(), static_cast<double>(passed)));
  }
  return lrs;
}

// ---- ExponentialLR ------------------------------------------------------------------------

ExponentialLROptions ExponentialLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(ExponentialLROptions(1.0), options, {"gamma"});
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, const ExponentialLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  check_gamma("ExponentialLR", options.gamma());
  initial_step();
}

// Chainable: lr·γ after epoch 0.
std::vector<double> ExponentialLR::get_lr() {
  std::vector<double> lrs;
  for (size_t i = 0; i < num_groups(); ++i) {
    lrs.push_back(last_epoch() == 0 ? group_lr(i) : group_lr(i) * options_.gamma());
  }
  return lrs;
}

// base·γ^epoch
std::optional<std::vector<double>> ExponentialLR::closed_form_lr() const {
  std::vector<double> lrs;
  for (double base : base_lrs()) {
    lrs.push_back(base * std::pow(options_.gamma(), static_cast<double>(last_epoch())));
  }
  return lrs;
}

}  // namespace xgrad::optim
