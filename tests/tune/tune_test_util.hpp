#pragma once
// Helpers for the tune tests: quiet studies, temporary files, and child processes (the test
// binary itself, running one TuneChild test selected by environment variables).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace tunetest {
namespace tune = xgrad::tune;

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  std::string path =
      std::string(dir ? dir : "/tmp") + "/xgrad_tune_" + std::to_string(getpid()) + "_" + name;
  std::remove(path.c_str());
  std::remove((path + "-journal").c_str());
  return path;
}

/// Starts this test binary running only TuneChild.Run, with `env` added; returns its pid.
inline pid_t spawn_child(const std::vector<std::string>& env) {
  std::vector<std::string> args = {"/proc/self/exe", "--gtest_filter=TuneChild.Run"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.push_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : envs) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), envp.data()) != 0)
    return -1;
  return pid;
}

inline int wait_child(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

/// Branin on [-5, 10] x [0, 15]; minimum 0.397887.
inline double branin(double x1, double x2) {
  const double pi = 3.14159265358979;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

}  // namespace tunetest
