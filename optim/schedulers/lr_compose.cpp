#include <xgrad/optim/schedulers/lr_compose.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace xgrad::optim {
namespace {

bool is_composite(const LRScheduler& s) {
  return dynamic_cast<const SequentialLR*>(&s) || dynamic_cast<const ChainedScheduler*>(&s);
}

std::vector<const LRScheduler*> raw(const std::vector<std::shared_ptr<LRScheduler>>& parts) {
  std::vector<const LRScheduler*> out;
  for (const auto& p : parts) out.push_back(p.get());
  return out;
}

/// Checks the parts (non-empty, non-null, not composite, all on `optimizer` when given) and
/// returns the optimizer they share.
Optimizer& check_parts(const std::vector<std::shared_ptr<LRScheduler>>& parts, const char* who,
                       Optimizer* optimizer) {
  if (parts.empty()) throw ValueError(fmt::format("{}: needs at least one scheduler", who));
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i]) throw ValueError(fmt::format("{}: scheduler {} is null", who, i));
    if (is_composite(*parts[i])) {
      throw ValueError(
          fmt::format("{}: scheduler {} is a {}; composites do not nest, list its parts instead",
                      who, i, parts[i]->name()));
    }
    if (parts[i]->needs_metric()) {
      throw ValueError(fmt::format(
          "{}: scheduler {} is a {}, which steps on a metric; a composite steps its parts "
          "without one, so step it on its own",
          who, i, parts[i]->name()));
    }
    Optimizer* expected = optimizer ? optimizer : &parts[0]->optimizer();
    if (&parts[i]->optimizer() != expected) {
      throw ValueError(fmt::format(
          "{}: scheduler {} ({}) belongs to another optimizer than {}; all parts must schedule "
          "the same optimizer",
          who, i, parts[i]->name(), optimizer ? "the one passed in" : "scheduler 0"));
    }
  }
  return optimizer ? *optimizer : parts[0]->optimizer();
}

}  // namespace

// ---- SequentialLR -------------------------------------------------------------------------

SequentialLR::SequentialLR(Optimizer& optimizer,
                           std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(check_parts(schedulers, "SequentialLR", &optimizer)),
      schedulers_(std::move(schedulers)),
      milestones_(std::move(milestones)) {
  if (milestones_.size() + 1 != schedulers_.size()) {
    throw ValueError(fmt::format(
        "SequentialLR: {} schedulers need {} milestones (the epochs where the next one takes "
        "over), got {}: [{}]",
        schedulers_.size(), schedulers_.size() - 1, milestones_.size(),
        fmt::join(milestones_, ", ")));
  }
  for (size_t i = 0; i < milestones_.size(); ++i) {
    if (milestones_[i] < 1 || (i > 0 && milestones_[i] <= milestones_[i - 1])) {
      throw ValueError(
          fmt::format("SequentialLR: milestones must be increasing epochs >= 1, got [{}]",
                      fmt::join(milestones_, ", ")));
    }
  }
  for (const auto& s : schedulers_) s->check_groups("SequentialLR");
  // PyTorch: lr ← initial_lr in every group, undo each part's initial step (last_epoch − 1),
  // then replay the first part's initial step.
  const std::vector<double> base = shared_base_lrs(schedulers_);
  set_base_lrs(base);
  set_lrs(base);
  for (auto& s : schedulers_) {
    s->set_base_lrs(base);
    s->last_epoch_ -= 1;
  }
  schedulers_[0]->initial_step();
  last_epoch_ = 0;
  step_count_ = 1;
  last_lr_ = schedulers_[0]->get_last_lr();
}

// The part whose range holds the new epoch; at a milestone it restarts at its epoch 0.
void SequentialLR::step() {
  const int64_t epoch = last_epoch_ + 1;
  const size_t idx = static_cast<size_t>(
      std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin());
  LRScheduler& part = *schedulers_[idx];
  if (idx > 0 && milestones_[idx - 1] == epoch) {
    part.step_to(0);
  } else {
    part.step();
  }
  last_epoch_ = epoch;
  ++step_count_;
  last_lr_ = part.get_last_lr();
}

std::vector<double> SequentialLR::get_lr() {
  return last_lr_;
}

std::vector<const LRScheduler*> SequentialLR::parts() const {
  return raw(schedulers_);
}

// ---- ChainedScheduler ---------------------------------------------------------------------

ChainedScheduler::ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers)
    : LRScheduler(check_parts(schedulers, "ChainedScheduler", nullptr)),
      schedulers_(std::move(schedulers)) {
  for (const auto& s : schedulers_) s->check_groups("ChainedScheduler");
  const std::vector<double> base = shared_base_lrs(schedulers_);
  set_base_lrs(base);
  for (auto& s : schedulers_) s->set_base_lrs(base);
  last_epoch_ = 0;
  step_count_ = 1;
  last_lr_.clear();
  for (size_t i = 0; i < num_groups(); ++i) last_lr_.push_back(group_lr(i));
}

void ChainedScheduler::step() {
  for (auto& s : schedulers_) s->step();
  ++last_epoch_;
  ++step_count_;
  last_lr_.clear();
  for (size_t i = 0; i < num_groups(); ++i) last_lr_.push_back(group_lr(i));
}

std::vector<double> ChainedScheduler::get_lr() {
  return last_lr_;
}

std::vector<const LRScheduler*> ChainedScheduler::parts() const {
  return raw(schedulers_);
}

}  // namespace xgrad::optim
