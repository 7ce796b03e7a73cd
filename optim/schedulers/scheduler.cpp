#include <xgrad/optim/schedulers/scheduler.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cmath>

namespace xgrad::optim {
namespace {
std::atomic<uint64_t> next_serial{0};
}  // namespace

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(&optimizer), serial_(next_serial++) {
  for (const auto& group : optimizer.param_groups()) base_lrs_.push_back(group.options().get_lr());
  last_lr_ = base_lrs_;
}

void LRScheduler::check_groups(const char* what) const {
  const size_t now = optimizer_->param_groups().size();
  if (now != base_lrs_.size()) {
    throw ValueError(fmt::format(
        "{}::{}: the optimizer has {} parameter group{} but the scheduler was made for {}; "
        "make the scheduler after the last add_param_group",
        name(), what, now, now == 1 ? "" : "s", base_lrs_.size()));
  }
}

double LRScheduler::group_lr(size_t i) const {
  return optimizer_->param_groups().at(i).options().get_lr();
}

void LRScheduler::set_lrs(const std::vector<double>& lrs) {
  auto& groups = optimizer_->param_groups();
  for (size_t i = 0; i < groups.size() && i < lrs.size(); ++i) groups[i].options().set_lr(lrs[i]);
  last_lr_ = lrs;
}

void LRScheduler::initial_step() {
  step_count_ = 0;
  step();
}

// PyTorch's step(): _step_count += 1; last_epoch += 1; lr = get_lr(). The counters are put
// back if get_lr() throws (OneCycleLR past total_steps), so an error changes nothing.
void LRScheduler::step() {
  check_groups("step");
  ++step_count_;
  ++last_epoch_;
  try {
    set_lrs(get_lr());
  } catch (...) {
    --step_count_;
    --last_epoch_;
    throw;
  }
}

// Schedulers that do not watch a metric ignore it (ReduceLROnPlateau overrides this).
void LRScheduler::step(double metric) {
  (void)metric;
  step();
}

void LRScheduler::step_to(int64_t epoch) {
  check_groups("step");
  const int64_t saved_epoch = last_epoch_;
  ++step_count_;
  last_epoch_ = epoch;
  try {
    auto closed = closed_form_lr();
    set_lrs(closed ? *closed : get_lr());
  } catch (...) {
    --step_count_;
    last_epoch_ = saved_epoch;
    throw;
  }
}

std::vector<double> LRScheduler::shared_base_lrs(
    const std::vector<std::shared_ptr<LRScheduler>>& parts) {
  const auto first = std::min_element(parts.begin(), parts.end(), [](const auto& a, const auto& b) {
    return a->serial_ < b->serial_;
  });
  return (*first)->base_lrs_;
}

namespace detail {

void throw_missing_option(const std::string& who, const std::string& key,
                          const std::vector<std::string>& valid) {
  throw ValueError(fmt::format("{}: option '{}' is required; valid options: {}", who, key,
                               fmt::join(valid, ", ")));
}

}  // namespace detail
}  // namespace xgrad::optim
