#include "support/cli.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <new>

#include <xgrad/core/error.hpp>

extern char** environ;

namespace xgrad::examples {

int guarded_main(const char* program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const xgrad::Error& e) {
    fmt::print(stderr, "{}: {}\n", program, e.what());
  } catch (const std::filesystem::filesystem_error& e) {
    fmt::print(stderr, "{}: {}\n", program, e.what());
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "{}: out of memory (a size or count much larger than intended?)\n", program);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}: {}\n", program, e.what());
  }
  return 1;
}

namespace {
/// A validator of a number read as double, with `ok` deciding and `what` naming the rule.
CLI::Validator number_check(const char* name, bool (*ok)(double), const char* what) {
  return CLI::Validator(
      [ok, what](std::string& text) -> std::string {
        double v = 0;
        if (!CLI::detail::lexical_cast(text, v) || std::isnan(v))
          return fmt::format("must be a number, got '{}'", text);
        if (!ok(v)) return fmt::format("must be {}, got {}", what, text);
        return {};
      },
      name);
}
}  // namespace

CLI::Validator positive_number() {
  return number_check(
      "POSITIVE", [](double v) { return v > 0 && std::isfinite(v); }, "a positive number");
}

CLI::Validator non_negative_number() {
  return number_check(
      "NONNEGATIVE", [](double v) { return v >= 0 && std::isfinite(v); }, "a number >= 0");
}

CLI::Validator integer_in(long long lo, long long hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        long long v = 0;
        if (!CLI::detail::lexical_cast(text, v))
          return fmt::format("must be a whole number in [{}, {}], got '{}'", lo, hi, text);
        if (v < lo || v > hi)
          return fmt::format("must be a whole number in [{}, {}], got {}", lo, hi, v);
        return {};
      },
      fmt::format("INT in [{} - {}]", lo, hi));
}

bool run_program(const std::vector<std::string>& argv) {
  if (argv.empty()) return false;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return false;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace xgrad::examples
