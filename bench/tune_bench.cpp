// tune's benchmark (a program, not a timed test): median regret (best found - known optimum)
// over seeds 0-9 of the gp and random samplers on Branin (2-D, 50 trials) and Hartmann-6
// (6-D, 100 trials), and the median time the gp sampler takes to propose one point when 100
// trials have finished in 6-D.
//   build/bench/tune_bench [--seeds N] [--timing-only]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <xgrad/xgrad.hpp>

namespace tune = xgrad::tune;

namespace {

constexpr double kPi = 3.14159265358979323846;

double branin(tune::Trial& t) {
  const double x1 = t.suggest_float("x1", -5, 10), x2 = t.suggest_float("x2", 0, 15);
  const double b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, s = 1 / (8 * kPi);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - s) * std::cos(x1) + 10;
}
constexpr double kBraninMin = 0.39788735772973816;

double hartmann6(tune::Trial& t) {
  static const double A[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                 {0.05, 10, 17, 0.1, 8, 14},
                                 {3, 3.5, 1.7, 10, 17, 8},
                                 {17, 8, 0.05, 10, 0.1, 14}};
  static const double P[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                 {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                 {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                 {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
  static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
  double x[6];
  for (int i = 0; i < 6; ++i) x[i] = t.suggest_float("x" + std::to_string(i), 0, 1);
  double y = 0;
  for (int i = 0; i < 4; ++i) {
    double s = 0;
    for (int j = 0; j < 6; ++j) s += A[i][j] * (x[j] - P[i][j]) * (x[j] - P[i][j]);
    y -= alpha[i] * std::exp(-s);
  }
  return y;
}
constexpr double kHartmannMin = -3.3223680114155147;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double run(const char* sampler, double (*f)(tune::Trial&), int trials, uint64_t seed) {
  tune::Study s(tune::StudyOptions().sampler(sampler).seed(seed));
  s.optimize(f, trials);
  return s.best_value();
}

}  // namespace

int main(int argc, char** argv) {
  int seeds = 10;
  bool timing_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--seeds") && i + 1 < argc) seeds = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--timing-only")) timing_only = true;
  }
  xgrad::set_num_threads(1);
  std::printf("tune_bench: median regret over seeds 0-%d (best found - known optimum)\n",
              seeds - 1);
  std::printf("%-8s %-12s %-8s %-14s %s\n", "sampler", "function", "trials", "median regret",
              "per-seed regrets");
  struct Case {
    const char* name;
    double (*f)(tune::Trial&);
    int trials;
    double optimum;
  };
  const Case cases[] = {{"branin", branin, 50, kBraninMin},
                        {"hartmann6", hartmann6, 100, kHartmannMin}};
  for (const char* sampler : {"gp", "random"}) {
    if (timing_only) break;
    for (const auto& c : cases) {
      std::vector<double> regret;
      std::string list;
      for (int seed = 0; seed < seeds; ++seed) {
        regret.push_back(run(sampler, c.f, c.trials, uint64_t(seed)) - c.optimum);
        list += (seed ? " " : "") + std::to_string(regret.back()).substr(0, 6);
      }
      std::printf("%-8s %-12s %-8d %-14.4f %s\n", sampler, c.name, c.trials, median(regret),
                  list.c_str());
      std::fflush(stdout);
    }
  }
  // Proposal time: 100 finished random trials in 6-D, then single gp trials (the objective is
  // cheap, so a trial's time is the proposal's).
  tune::Study s(tune::StudyOptions().sampler("gp", {{"n_startup_trials", 100}}).seed(0));
  s.optimize(hartmann6, 100);
  // Wall time, and this thread's CPU time (the proposal runs on the calling thread when
  // n_jobs = 1): on a machine shared with other work the CPU time is the stable figure.
  auto cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
  };
  std::vector<double> ms, cpu;
  for (int k = 0; k < 9; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_ms();
    s.optimize(hartmann6, 1);
    cpu.push_back(cpu_ms() - c0);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::printf(
      "gp proposal time with 100-108 finished trials in 6-D: median %.1f ms wall (min %.1f, "
      "max %.1f), median %.1f ms CPU\n",
      median(ms), *std::min_element(ms.begin(), ms.end()), *std::max_element(ms.begin(), ms.end()),
      median(cpu));
  return 0;
}
