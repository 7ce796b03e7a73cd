// SQLite storage: a study survives its Study object and its process (kill -9), several
// processes share one study without losing or duplicating trials, and bad files are typed
// errors naming the file.
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <limits>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include <xgrad/xgrad.hpp>

#include "tune/tune_test_util.hpp"

namespace tune = xgrad::tune;
using tunetest::temp_path;

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// Run by child processes only (spawn_child): a study on XGRAD_TUNE_DB that runs until
// XGRAD_TUNE_MAX trials exist, each sleeping XGRAD_TUNE_SLEEP_MS.
TEST(TuneChild, Run) {
  if (env("XGRAD_TUNE_DB").empty()) GTEST_SKIP() << "only run as a child of the storage tests";
  const int sleep_ms = std::atoi(env("XGRAD_TUNE_SLEEP_MS").c_str());
  tune::Study s(tune::StudyOptions()
                    .sampler("random")
                    .storage("sqlite:" + env("XGRAD_TUNE_DB"))
                    .study_name("shared")
                    .max_trials(std::atoll(env("XGRAD_TUNE_MAX").c_str())));
  s.optimize(
      [&](tune::Trial& t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
        return t.suggest_float("x", 0, 1);
      },
      0, 2, 60);
}

int count_state(const std::vector<tune::FrozenTrial>& trials, tune::TrialState st) {
  int n = 0;
  for (const auto& t : trials) n += t.state == st;
  return n;
}

TEST(SqliteStorage, StudyOutlivesTheObjectAndKeepsTypes) {
  const auto db = temp_path("keep.db");
  {
    tune::Study s(tune::StudyOptions().sampler("random").storage("sqlite:" + db).seed(3));
    s.optimize(
        [](tune::Trial& t) {
          t.report(0.5, 0);
          return t.suggest_float("x", 0, 1) + double(t.suggest_int("n", 1, 3)) +
                 (t.suggest_categorical("c", {"a", "b"}) == "a");
        },
        5);
  }
  tune::Study again(tune::StudyOptions().sampler("random").storage("sqlite:" + db));
  const auto trials = again.trials();
  ASSERT_EQ(trials.size(), 5u);
  EXPECT_EQ(trials[0].values().at("n").type(), xgrad::Value::Type::Int);
  EXPECT_EQ(trials[0].values().at("c").type(), xgrad::Value::Type::String);
  EXPECT_EQ(trials[0].intermediate.at(0), 0.5);
  again.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 2);
  EXPECT_EQ(again.trials().size(), 7u);
  EXPECT_EQ(again.trials().back().number, 6);
}

TEST(SqliteStorage, InfiniteValuesReadBackAsInfinities) {
  // JSON has no infinities; a maximised objective of +inf must stay the best trial on reload.
  const auto db = temp_path("inf.db");
  {
    tune::Study s(
        tune::StudyOptions().sampler("random").storage("sqlite:" + db).direction("maximize"));
    s.optimize(
        [](tune::Trial& t) {
          t.report(-std::numeric_limits<double>::infinity(), 0);
          return t.number() == 1 ? std::numeric_limits<double>::infinity() : 1.0;
        },
        3);
  }
  tune::Study again(tune::StudyOptions().storage("sqlite:" + db).direction("maximize"));
  const auto trials = again.trials();
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[1].value, std::numeric_limits<double>::infinity());
  EXPECT_EQ(trials[0].intermediate.at(0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(again.best_trial().number, 1);
}

TEST(SqliteStorage, ResumesAfterKill9MarkingTheInterruptedTrialFailed) {
  const auto db = temp_path("resume.db");
  const pid_t child = tunetest::spawn_child(
      {"XGRAD_TUNE_DB=" + db, "XGRAD_TUNE_MAX=1000", "XGRAD_TUNE_SLEEP_MS=100"});
  ASSERT_GT(child, 0);
  // Wait until the child has finished a few trials (and is inside others), then kill it.
  for (int i = 0; i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      tune::Study peek(
          tune::StudyOptions().sampler("random").storage("sqlite:" + db).study_name("shared"));
      const auto seen = peek.trials();
      // Kill it inside a trial (each sleeps 100 ms): one is Running now.
      if (count_state(seen, tune::TrialState::Complete) >= 3 &&
          count_state(seen, tune::TrialState::Running) >= 1)
        break;
    } catch (const xgrad::Error&) {
    }
  }
  kill(child, SIGKILL);
  tunetest::wait_child(child);
  tune::Study s(
      tune::StudyOptions().sampler("random").storage("sqlite:" + db).study_name("shared"));
  auto trials = s.trials();
  const int complete = count_state(trials, tune::TrialState::Complete);
  EXPECT_GE(complete, 3);
  EXPECT_EQ(count_state(trials, tune::TrialState::Running), 0);  // orphans marked failed
  EXPECT_GE(count_state(trials, tune::TrialState::Fail), 1);
  for (const auto& t : trials)
    if (t.state == tune::TrialState::Fail) {
      EXPECT_NE(t.message.find("died"), std::string::npos);
    }
  // Resuming: the finished trials stay, new ones continue the numbering.
  s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 2);
  EXPECT_EQ(count_state(s.trials(), tune::TrialState::Complete), complete + 2);
  EXPECT_EQ(s.trials().back().number, int64_t(trials.size()) + 1);
}

TEST(SqliteStorage, TwoProcessesShareAStudyWithNoTrialLostOrDuplicated) {
  const auto db = temp_path("shared.db");
  const int N = 24;
  std::vector<std::string> env_vars = {"XGRAD_TUNE_DB=" + db, "XGRAD_TUNE_MAX=" + std::to_string(N),
                                       "XGRAD_TUNE_SLEEP_MS=60"};
  const pid_t a = tunetest::spawn_child(env_vars), b = tunetest::spawn_child(env_vars);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(tunetest::wait_child(a), 0);
  EXPECT_EQ(tunetest::wait_child(b), 0);
  tune::Study s(
      tune::StudyOptions().sampler("random").storage("sqlite:" + db).study_name("shared"));
  const auto trials = s.trials();
  ASSERT_EQ(trials.size(), size_t(N));
  std::set<int64_t> numbers;
  std::set<std::string> owners;
  for (const auto& t : trials) {
    numbers.insert(t.number);
    owners.insert(t.owner);
    EXPECT_EQ(t.state, tune::TrialState::Complete) << t.number;
  }
  EXPECT_EQ(numbers.size(), size_t(N));
  EXPECT_EQ(*numbers.rbegin(), N - 1);
  EXPECT_EQ(owners.size(), 2u) << "both processes ran trials";
}

TEST(SqliteStorage, ForeignSchemaIsAStorageError) {
  const auto db = temp_path("foreign.db");
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  sqlite3_exec(h, "CREATE TABLE customers(id INTEGER)", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  try {
    tune::Study s(tune::StudyOptions().storage("sqlite:" + db));
    FAIL();
  } catch (const tune::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("foreign schema"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(db), std::string::npos) << e.what();
  }
  const auto text = temp_path("text.db");
  FILE* f = std::fopen(text.c_str(), "w");
  std::fputs("this is not a database, just some text long enough to have a header .....\n", f);
  std::fclose(f);
  EXPECT_THROW(tune::Study(tune::StudyOptions().storage("sqlite:" + text)), tune::StorageError);
}

TEST(SqliteStorage, ExistingStudyWithAnotherDirectionIsAValueError) {
  const auto db = temp_path("direction.db");
  { tune::Study s(tune::StudyOptions().storage("sqlite:" + db).study_name("s1")); }
  try {
    tune::Study s(
        tune::StudyOptions().storage("sqlite:" + db).study_name("s1").direction("maximize"));
    FAIL();
  } catch (const xgrad::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("minimize"), std::string::npos) << e.what();
  }
  // Another name in the same file is fine.
  tune::Study other(
      tune::StudyOptions().storage("sqlite:" + db).study_name("s2").direction("maximize"));
}

TEST(SqliteStorage, UnwritableAndLockedFilesAreStorageErrors) {
  EXPECT_THROW(tune::Study(tune::StudyOptions().storage("sqlite:/nonexistent-dir/x/study.db")),
               tune::StorageError);
  if (geteuid() != 0) {  // root writes anyway
    const auto ro = temp_path("readonly.db");
    { tune::Study s(tune::StudyOptions().storage("sqlite:" + ro)); }
    chmod(ro.c_str(), 0444);
    tune::Study s(tune::StudyOptions().sampler("random").storage("sqlite:" + ro));
    EXPECT_THROW(s.optimize([](tune::Trial& t) { return t.suggest_float("x", 0, 1); }, 1),
                 tune::StorageError);
  }
  const auto db = temp_path("locked.db");
  { tune::Study s(tune::StudyOptions().storage("sqlite:" + db)); }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    tune::Study s(tune::StudyOptions().storage("sqlite:" + db + "?timeout_ms=200"));
    FAIL();
  } catch (const tune::StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(h);
}

}  // namespace
