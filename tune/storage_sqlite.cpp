// The SQLite storage. One row per study, one per trial (the trial as JSON, see trial_json.hpp,
// plus its state for queries). Claims of a new trial number or of an enqueued trial run in
// BEGIN IMMEDIATE transactions, so processes sharing the file never take the same number;
// SQLite's busy timeout makes a writer wait for another's transaction instead of failing.
//
// URL: sqlite:PATH or sqlite:PATH?timeout_ms=N (how long to wait for a lock; default 10000).
#include <fmt/format.h>
#include <sqlite3.h>

#include <mutex>

#include <xgrad/tune/detail/trial_json.hpp>
#include <xgrad/tune/storage.hpp>

namespace xgrad::tune {
namespace {

constexpr int kSchemaVersion = 1;

class Statement {
 public:
  Statement(sqlite3* db, const char* sql, const std::string& path) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement& bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), int(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  /// True while there is a row.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
  }
  int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string text(int col) {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? reinterpret_cast<const char*>(p) : "";
  }
  [[noreturn]] void fail(const char* what);

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  const std::string& path_;
};

[[noreturn]] void throw_sqlite(sqlite3* db, const std::string& path, const char* what) {
  const int code = sqlite3_extended_errcode(db) & 0xff;
  const std::string msg = sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    throw StorageError(fmt::format(
        "tune sqlite storage '{}': the database is locked ({}): another process held it longer "
        "than the busy timeout; retry, or raise it with sqlite:PATH?timeout_ms=N",
        path, msg));
  }
  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM ||
      code == SQLITE_IOERR) {
    throw StorageError(
        fmt::format("tune sqlite storage '{}': cannot open or write the file ({}); check that its "
                    "directory exists and is writable",
                    path, msg));
  }
  if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT) {
    throw StorageError(
        fmt::format("tune sqlite storage '{}': not an SQLite database ({})", path, msg));
  }
  throw StorageError(fmt::format("tune sqlite storage '{}': {} failed: {}", path, what, msg));
}

void Statement::fail(const char* what) {
  throw_sqlite(db_, path_, what);
}

class SqliteStorage : public Storage {
 public:
  explicit SqliteStorage(const std::string& url) {
    path_ = url;
    int timeout_ms = 10000;
    if (const auto q = url.find("?timeout_ms="); q != std::string::npos) {
      path_ = url.substr(0, q);
      try {
        timeout_ms = std::stoi(url.substr(q + 12));
      } catch (const std::exception&) {
        throw ValueError(fmt::format("sqlite storage: bad timeout_ms in '{}'", url));
      }
    }
    if (path_.empty()) {
      throw ValueError("sqlite storage: no path; expected sqlite:PATH, e.g. sqlite:study.db");
    }
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
      // sqlite3_open_v2 gives a handle even on failure, for the message.
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw StorageError(fmt::format(
          "tune sqlite storage '{}': cannot open ({}); check that the directory exists and is "
          "writable",
          path_, msg));
    }
    sqlite3_busy_timeout(db_, timeout_ms);
    try {
      init_schema();
    } catch (...) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw;
    }
  }
  ~SqliteStorage() override { sqlite3_close(db_); }

  int64_t open_study(const std::string& name, Direction direction) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(this);
    {
      Statement q(db_, "SELECT id, direction FROM xgrad_tune_studies WHERE name = ?", path_);
      q.bind(1, name);
      if (q.step()) {
        const int64_t id = q.integer(0);
        const std::string dir = q.text(1);
        if (dir != to_string(direction)) {
          throw ValueError(fmt::format(
              "Study: study '{}' in '{}' exists with direction {}, not {}; use its direction "
              "or another study name",
              name, path_, dir, to_string(direction)));
        }
        tx.commit();
        return id;
      }
    }
    Statement ins(db_, "INSERT INTO xgrad_tune_studies(name, direction) VALUES (?, ?)", path_);
    ins.bind(1, name).bind(2, std::string(to_string(direction))).step();
    const int64_t id = sqlite3_last_insert_rowid(db_);
    tx.commit();
    return id;
  }

  std::optional<FrozenTrial> start_trial(int64_t study, int64_t max_trials,
                                         const std::string& owner) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(this);
    if (max_trials >= 0) {
      Statement c(db_,
                  "SELECT COUNT(*) FROM xgrad_tune_trials WHERE study = ? AND state NOT IN "
                  "('fail', 'waiting')",
                  path_);
      c.bind(1, study).step();
      if (c.integer(0) >= max_trials) return std::nullopt;  // tx rolls back
    }
    FrozenTrial t;
    {
      Statement w(db_,
                  "SELECT record FROM xgrad_tune_trials WHERE study = ? AND state = 'waiting' "
                  "ORDER BY number LIMIT 1",
                  path_);
      w.bind(1, study);
      if (w.step()) {
        t = trial_from_json(w.text(0), path_);
      } else {
        Statement n(db_,
                    "SELECT COALESCE(MAX(number) + 1, 0) FROM xgrad_tune_trials WHERE study = ?",
                    path_);
        n.bind(1, study).step();
        t.number = n.integer(0);
      }
    }
    t.state = TrialState::Running;
    t.owner = owner;
    write(study, t);
    tx.commit();
    return t;
  }

  void update_trial(int64_t study, const FrozenTrial& trial) override {
    std::lock_guard<std::mutex> lock(mutex_);
    write(study, trial);
  }

  void enqueue_trial(int64_t study, const ValueMap& params) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(this);
    Statement n(db_, "SELECT COALESCE(MAX(number) + 1, 0) FROM xgrad_tune_trials WHERE study = ?",
                path_);
    n.bind(1, study).step();
    FrozenTrial t;
    t.number = n.integer(0);
    t.state = TrialState::Waiting;
    t.fixed = params;
    write(study, t);
    tx.commit();
  }

  std::vector<FrozenTrial> trials(int64_t study) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Statement q(db_, "SELECT record FROM xgrad_tune_trials WHERE study = ? ORDER BY number", path_);
    q.bind(1, study);
    std::vector<FrozenTrial> out;
    while (q.step()) out.push_back(trial_from_json(q.text(0), path_));
    return out;
  }

  int fail_orphaned_trials(int64_t study) override {
    std::lock_guard<std::mutex> lock(mutex_);
    Transaction tx(this);
    std::vector<FrozenTrial> orphans;
    {
      Statement q(db_, "SELECT record FROM xgrad_tune_trials WHERE study = ? AND state = 'running'",
                  path_);
      q.bind(1, study);
      while (q.step()) {
        FrozenTrial t = trial_from_json(q.text(0), path_);
        if (owner_is_dead(t.owner)) orphans.push_back(std::move(t));
      }
    }
    for (auto& t : orphans) {
      t.state = TrialState::Fail;
      t.message = fmt::format("its process ({}) died while it ran", t.owner);
      write(study, t);
    }
    tx.commit();
    return int(orphans.size());
  }

 private:
  // BEGIN IMMEDIATE takes the write lock at once (waiting up to the busy timeout), so two
  // processes cannot both read "next number is 7" and then both write it.
  struct Transaction {
    explicit Transaction(SqliteStorage* s) : s_(s) { s_->exec("BEGIN IMMEDIATE"); }
    void commit() {
      s_->exec("COMMIT");
      done_ = true;
    }
    ~Transaction() {
      if (!done_) sqlite3_exec(s_->db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    SqliteStorage* s_;
    bool done_ = false;
  };

  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      throw_sqlite(db_, path_, sql);
  }

  void write(int64_t study, const FrozenTrial& t) {
    Statement s(db_,
                "INSERT OR REPLACE INTO xgrad_tune_trials(study, number, state, record) "
                "VALUES (?, ?, ?, ?)",
                path_);
    s.bind(1, study)
        .bind(2, t.number)
        .bind(3, std::string(to_string(t.state)))
        .bind(4, trial_to_json(t))
        .step();
  }

  // An empty file gets our tables; a file with our tables must have our version; a file with
  // other tables and not ours is someone else's database and is left alone.
  void init_schema() {
    Transaction tx(this);
    std::vector<std::string> tables;
    {
      Statement q(db_, "SELECT name FROM sqlite_master WHERE type = 'table'", path_);
      while (q.step()) tables.push_back(q.text(0));
    }
    const bool ours = std::find(tables.begin(), tables.end(), "xgrad_tune_version") != tables.end();
    if (!ours && !tables.empty()) {
      throw StorageError(
          fmt::format("tune sqlite storage '{}': the database has a foreign schema (tables: {}; no "
                      "xgrad_tune_version); use another file",
                      path_, fmt::join(tables, ", ")));
    }
    if (ours) {
      Statement v(db_, "SELECT version FROM xgrad_tune_version", path_);
      const int64_t version = v.step() ? v.integer(0) : -1;
      if (version != kSchemaVersion) {
        throw StorageError(fmt::format(
            "tune sqlite storage '{}': schema version {} is not the {} this xgrad reads", path_,
            version, kSchemaVersion));
      }
      tx.commit();
      return;
    }
    exec("CREATE TABLE xgrad_tune_version(version INTEGER NOT NULL)");
    exec(fmt::format("INSERT INTO xgrad_tune_version VALUES ({})", kSchemaVersion).c_str());
    exec(
        "CREATE TABLE xgrad_tune_studies(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, "
        "direction TEXT NOT NULL)");
    exec(
        "CREATE TABLE xgrad_tune_trials(study INTEGER NOT NULL, number INTEGER NOT NULL, "
        "state TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY(study, number))");
    tx.commit();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

}  // namespace

std::unique_ptr<Storage> make_sqlite_storage(const std::string& url) {
  return std::make_unique<SqliteStorage>(url);
}

}  // namespace xgrad::tune
