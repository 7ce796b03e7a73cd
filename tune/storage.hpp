#pragma once
// Where a study keeps its trials. "memory" (the default) lives and dies with the Study;
// "sqlite:PATH" keeps it in an SQLite file that several processes may share and that survives
// a crash (see docs/tune.md). A trial is written only by the process running it; what several
// writers share — the next trial number, enqueued trials — is claimed in one transaction.
// New storages register a factory under a URL scheme:
//   XGRAD_REGISTER(xgrad::tune::storage_registry(), "mine", [](const std::string& rest) {...});
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <xgrad/core/registry.hpp>
#include <xgrad/tune/frozen_trial.hpp>

namespace xgrad::tune {

/// A storage did not work: a foreign or corrupt file, a lock held too long, no permission.
class StorageError : public IOError {
 public:
  using IOError::IOError;
};

class Storage {
 public:
  virtual ~Storage() = default;
  /// The study's id, creating it when new. ValueError when it exists with another direction.
  virtual int64_t open_study(const std::string& name, Direction direction) = 0;
  /// Claims the oldest enqueued trial, or creates one, as Running and owned by `owner`; the
  /// next free number. Nothing (nullopt) when the study already has `max_trials` trials that
  /// did not fail (max_trials < 0: no limit).
  virtual std::optional<FrozenTrial> start_trial(int64_t study, int64_t max_trials,
                                                 const std::string& owner) = 0;
  /// Replaces the record of trial `trial.number` (only its own process calls this).
  virtual void update_trial(int64_t study, const FrozenTrial& trial) = 0;
  /// Adds a Waiting trial whose parameters are fixed.
  virtual void enqueue_trial(int64_t study, const ValueMap& params) = 0;
  /// Every trial, by number.
  virtual std::vector<FrozenTrial> trials(int64_t study) = 0;
  /// Marks Fail the Running trials whose process (on this host) is gone; returns how many.
  virtual int fail_orphaned_trials(int64_t study) = 0;
};

/// "sqlite:PATH" -> factory("PATH"); "memory" -> factory("").
using StorageFactory = std::function<std::unique_ptr<Storage>(const std::string& rest)>;
Registry<StorageFactory>& storage_registry();
/// The storage a URL names: "memory", "" (memory) or "scheme:rest".
std::unique_ptr<Storage> make_storage(const std::string& url);

std::unique_ptr<Storage> make_memory_storage();
std::unique_ptr<Storage> make_sqlite_storage(const std::string& path);

/// "host:pid" of this process.
std::string this_process_owner();
/// True when `owner` names a process of this host that no longer runs.
bool owner_is_dead(const std::string& owner);

}  // namespace xgrad::tune
