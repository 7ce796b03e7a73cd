#pragma once
// Composing schedulers (PyTorch 1.13 semantics):
//   SequentialLR      one scheduler after another, switching at milestones (warmup, then decay);
//   ChainedScheduler  several chainable schedulers stepped together, their effects multiplied.
//
//   using namespace xgrad::optim;
//   SequentialLR sched(opt,
//       {std::make_shared<LinearLR>(opt, LinearLROptions().start_factor(0.1).total_iters(5)),
//        std::make_shared<CosineAnnealingLR>(opt, CosineAnnealingLROptions(95))},
//       {5});
//
// Make the parts right before the composite, all on the same optimizer. The parts share one
// base lr per group, that of the part made first (PyTorch keeps it as the group's initial_lr),
// even though making a part may already have changed the group's lr. Composites do not nest,
// and ReduceLROnPlateau (which steps on a metric) is not a part. A composite's state_dict()
// holds its parts' states.
#include <memory>
#include <vector>

#include <xgrad/optim/schedulers/scheduler.hpp>

namespace xgrad::optim {

/// Runs schedulers[0] until epoch milestones[0], then schedulers[1] restarted at its epoch 0
/// (its closed form, when it has one), and so on.
/// Example: SequentialLR s(opt, {warmup, cosine}, {5});  s.step();
class SequentialLR : public LRScheduler {
 public:
  /// Resets the lrs to the shared base and replays the first scheduler's initial step.
  /// ValueError for no schedulers, a null one, one on another optimizer, a composite part, or
  /// milestones that are not schedulers.size() − 1 increasing epochs ≥ 1.
  /// Example: SequentialLR s(opt, {std::make_shared<LinearLR>(opt, LinearLROptions()), cos}, {5});
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones);
  using LRScheduler::step;
  void step() override;
  std::string name() const override { return "SequentialLR"; }
  /// The parts.  Example: s.schedulers()[1]->last_epoch()
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  std::vector<double> get_lr() override;
  OptionMap options_map() const override { return {{"milestones", milestones_}}; }
  std::vector<const LRScheduler*> parts() const override;

 private:
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

/// Steps every scheduler in order at each step(); the lr is their combined effect (for
/// chainable schedulers, the product of their factors).
/// Example: ChainedScheduler s({std::make_shared<LinearLR>(opt, LinearLROptions()),
///                               std::make_shared<ExponentialLR>(opt, ExponentialLROptions(0.9))});
class ChainedScheduler : public LRScheduler {
 public:
  /// ValueError for no schedulers, a null one, parts on different optimizers, or a composite.
  /// Example: ChainedScheduler s({a, b});
  explicit ChainedScheduler(std::vector<std::shared_ptr<LRScheduler>> schedulers);
  using LRScheduler::step;
  void step() override;
  std::string name() const override { return "ChainedScheduler"; }
  /// The parts.  Example: s.schedulers().size()
  const std::vector<std::shared_ptr<LRScheduler>>& schedulers() const { return schedulers_; }

 protected:
  std::vector<double> get_lr() override;
  std::vector<const LRScheduler*> parts() const override;

 private:
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
};

}  // namespace xgrad::optim
