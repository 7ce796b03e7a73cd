#include "callbacks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <xgrad/core/error.hpp>

namespace xgrad::examples {

Monitor::Monitor(std::string name, std::string mode, double min_delta)
    : name_(std::move(name)), min_delta_(min_delta) {
  EpochRecord{}.get(name_);  // throws ValueError listing the fields for an unknown name
  if (mode == "auto") {
    maximize_ = name_.find("accuracy") != std::string::npos;
  } else if (mode == "min" || mode == "max") {
    maximize_ = mode == "max";
  } else {
    throw ValueError(fmt::format("Monitor: mode must be 'min', 'max' or 'auto', not '{}'", mode));
  }
  if (!(min_delta >= 0)) {
    throw ValueError(fmt::format("Monitor: min_delta must be >= 0, got {}", min_delta));
  }
}

bool Monitor::update(const EpochRecord& record) {
  const double v = record.get(name_);
  if (std::isnan(v)) return false;
  const bool better =
      std::isnan(best_) || (maximize_ ? v > best_ + min_delta_ : v < best_ - min_delta_);
  if (better) {
    best_ = v;
    best_epoch_ = record.epoch;
  }
  return better;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions o)
    : patience_(o.patience_), monitor_(o.monitor_, o.mode_, o.min_delta_) {
  if (patience_ < 1) {
    throw ValueError(fmt::format("EarlyStopping: patience must be >= 1, got {}", patience_));
  }
}

bool EarlyStopping::on_epoch_end(const EpochRecord& record, const History&) {
  if (monitor_.update(record)) {
    waited_ = 0;
    return false;
  }
  if (++waited_ >= patience_) {
    stopped_epoch_ = record.epoch;
    return true;
  }
  return false;
}

Checkpoint::Checkpoint(SaveFn save, CheckpointOptions o)
    : save_(std::move(save)), best_only_(o.save_best_only_), monitor_(o.monitor_, o.mode_) {
  if (!save_) throw ValueError("Checkpoint: the save function is empty");
}

bool Checkpoint::on_epoch_end(const EpochRecord& record, const History&) {
  const bool improved = monitor_.update(record);
  if (improved || !best_only_) {
    save_(record);
    ++saves_;
    saved_epoch_ = record.epoch;
  }
  return false;
}

}  // namespace xgrad::examples
