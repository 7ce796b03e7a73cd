#pragma once
// Callbacks for fit(): run after each epoch, may stop training.
//   EarlyStopping stop(EarlyStoppingOptions().patience(3).monitor("test_loss"));
//   Checkpoint best([&](const EpochRecord&) { xgrad::nn::save(model, "best.safetensors"); });
//   fit(FitOptions().epochs(20), train_epoch, evaluate, {&stop, &best});
#include <functional>
#include <string>

#include "history.hpp"

namespace xgrad::examples {

/// Called by fit() after each epoch, once the record is in the history.
class Callback {
 public:
  virtual ~Callback() = default;
  /// Returns true to stop training after this epoch.
  virtual bool on_epoch_end(const EpochRecord& record, const History& history) = 0;
};

/// Tracks the best value of one EpochRecord field: lower is better for "min", higher for
/// "max"; "auto" picks max for names containing "accuracy", min otherwise.
class Monitor {
 public:
  /// ValueError for an unknown field or mode, or a negative min_delta.
  ///   Example: Monitor m("test_loss", "auto", 1e-4);
  Monitor(std::string name, std::string mode = "auto", double min_delta = 0);
  /// Records `record`'s value; true when it beats the best so far by more than min_delta
  /// (NaN never does; the first finite value always does).
  bool update(const EpochRecord& record);
  const std::string& name() const { return name_; }
  bool maximize() const { return maximize_; }
  /// The best value so far (NaN before any).
  double best() const { return best_; }
  /// The epoch of the best value (0 before any).
  int best_epoch() const { return best_epoch_; }

 private:
  std::string name_;
  bool maximize_;
  double min_delta_;
  double best_ = EpochRecord::kNaN;
  int best_epoch_ = 0;
};

/// EarlyStopping settings; setters chain.
struct EarlyStoppingOptions {
  /// Epochs without improvement before stopping (>= 1).
  EarlyStoppingOptions& patience(int n) {
    patience_ = n;
    return *this;
  }
  /// Smallest change that counts as an improvement.
  EarlyStoppingOptions& min_delta(double d) {
    min_delta_ = d;
    return *this;
  }
  /// The EpochRecord field to watch.  Example: monitor("test_accuracy")
  EarlyStoppingOptions& monitor(std::string m) {
    monitor_ = std::move(m);
    return *this;
  }
  /// "min", "max" or "auto".
  EarlyStoppingOptions& mode(std::string m) {
    mode_ = std::move(m);
    return *this;
  }
  int patience_ = 5;
  double min_delta_ = 0;
  std::string monitor_ = "test_loss";
  std::string mode_ = "auto";
};

/// Stops when the monitored value has not improved for `patience` epochs.
class EarlyStopping : public Callback {
 public:
  /// ValueError for patience < 1 or a bad monitor.
  ///   Example: EarlyStopping es(EarlyStoppingOptions().patience(3));
  explicit EarlyStopping(EarlyStoppingOptions options = EarlyStoppingOptions());
  bool on_epoch_end(const EpochRecord& record, const History& history) override;
  const Monitor& monitor() const { return monitor_; }
  /// The epoch training stopped after (0 if it did not).
  int stopped_epoch() const { return stopped_epoch_; }

 private:
  int patience_;
  Monitor monitor_;
  int waited_ = 0;
  int stopped_epoch_ = 0;
};

/// Checkpoint settings; setters chain.
struct CheckpointOptions {
  /// The EpochRecord field that decides "best".
  CheckpointOptions& monitor(std::string m) {
    monitor_ = std::move(m);
    return *this;
  }
  /// "min", "max" or "auto".
  CheckpointOptions& mode(std::string m) {
    mode_ = std::move(m);
    return *this;
  }
  /// true: save only when the monitored value improves (the best model); false: every epoch
  /// (the last model).
  CheckpointOptions& save_best_only(bool on) {
    save_best_only_ = on;
    return *this;
  }
  std::string monitor_ = "test_loss";
  std::string mode_ = "auto";
  bool save_best_only_ = true;
};

/// Calls `save` after an improving epoch (or after every epoch): the caller's lambda writes
/// the model, so this works with any model type.
class Checkpoint : public Callback {
 public:
  using SaveFn = std::function<void(const EpochRecord&)>;
  /// Example: Checkpoint ck([&](const EpochRecord& r) { save(model, "best.safetensors"); });
  explicit Checkpoint(SaveFn save, CheckpointOptions options = CheckpointOptions());
  bool on_epoch_end(const EpochRecord& record, const History& history) override;
  const Monitor& monitor() const { return monitor_; }
  /// How many times save was called.
  int saves() const { return saves_; }
  /// The epoch of the last save (0 if none).
  int saved_epoch() const { return saved_epoch_; }

 private:
  SaveFn save_;
  bool best_only_;
  Monitor monitor_;
  int saves_ = 0;
  int saved_epoch_ = 0;
};

}  // namespace xgrad::examples
