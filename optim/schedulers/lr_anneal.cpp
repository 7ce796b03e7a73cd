#include <xgrad/optim/schedulers/lr_anneal.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xgrad::optim {
namespace {
constexpr double kPi = 3.141592653589793;  // Python's math.pi
}  // namespace

// ---- CosineAnnealingLR --------------------------------------------------------------------

CosineAnnealingLROptions CosineAnnealingLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(CosineAnnealingLROptions(1), options, {"T_max"});
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, const CosineAnnealingLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  if (options.T_max() < 1) {
    throw ValueError(fmt::format(
        "CosineAnnealingLR: T_max must be >= 1, got {}; it is the number of epochs of a half "
        "cosine period",
        options.T_max()));
  }
  if (!(options.eta_min() >= 0.0) || std::isinf(options.eta_min())) {
    throw ValueError(fmt::format(
        "CosineAnnealingLR: eta_min must be a finite number >= 0, got {}; it is the lowest lr",
        options.eta_min()));
  }
  initial_step();
}

// PyTorch's recursive form, written in its operation order so the floats agree:
//   η_t = (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)) · (η_{t−1} − η_min) + η_min,
// except where the denominator vanishes (t − 1 − T a multiple of 2T, the bottom of a wave):
//   η_t = η_{t−1} + (base − η_min)(1 − cos(π/T))/2.
std::vector<double> CosineAnnealingLR::get_lr() {
  const int64_t t = last_epoch(), T = options_.T_max();
  const double eta_min = options_.eta_min();
  const double Td = static_cast<double>(T), td = static_cast<double>(t);
  std::vector<double> lrs;
  for (size_t i = 0; i < num_groups(); ++i) {
    const double lr = group_lr(i);
    if (t == 0) {
      lrs.push_back(lr);
    } else if ((t - 1 - T) % (2 * T) == 0) {  // zero remainder: same test as Python's %
      lrs.push_back(lr + (base_lrs()[i] - eta_min) * (1 - std::cos(kPi / Td)) / 2);
    } else {
      lrs.push_back((1 + std::cos(kPi * td / Td)) / (1 + std::cos(kPi * (td - 1) / Td)) *
                        (lr - eta_min) +
                    eta_min);
    }
  }
  return lrs;
}

// η_min + (base − η_min)(1 + cos(π·t/T))/2
std::optional<std::vector<double>> CosineAnnealingLR::closed_form_lr() const {
  const double eta_min = options_.eta_min();
  const double c =
      std::cos(kPi * static_cast<double>(last_epoch()) / static_cast<double>(options_.T_max()));
  std::vector<double> lrs;
  for (double base : base_lrs()) lrs.push_back(eta_min + (base - eta_min) * (1 + c) / 2);
  return lrs;
}

// ---- LinearLR -----------------------------------------------------------------------------

LinearLROptions LinearLROptions::from_map(const OptionMap& options) {
  return detail::options_from_map(LinearLROptions(), options, {});
}

LinearLR::LinearLR(Optimizer& optimizer, const LinearLROptions& options)
    : LRScheduler(optimizer), options_(options) {
  if (!(options.start_factor() > 0.0 && options.start_factor() <= 1.0)) {
    throw ValueError(fmt::format(
        "LinearLR: start_factor must be in (0, 1], got {}; the first lr is base * start_factor",
        options.start_factor()));
  }
  if (!(options.end_factor() >= 0.0 && options.end_factor() <= 1.0)) {
    throw ValueError(
        fmt::format("LinearLR: end_factor must be in [0, 1], got {}; the lr after total_iters is "
                    "base * end_factor",
                    options.end_factor()));
  }
  if (options.total_iters() < 1) {
    throw ValueError(fmt::format(
        "LinearLR: total_iters must be >= 1, got {}; it is the number of epochs the factor "
        "takes to go from start_factor to end_factor",
        options.total_iters()));
  }
  initial_step();
}

// Chainable: lr·start at epoch 0; then lr·(1 + (e − s) / (N·s + (t − 1)(e − s))) up to N,
// the ratio of consecutive factors s + (e − s)·t/N; unchanged after N.
std::vector<double> LinearLR::get_lr() {
  const double s = options_.start_factor(), e = options_.end_factor();
  const int64_t t = last_epoch(), n = options_.total_iters();
  std::vector<double> lrs;
  for (size_t i = 0; i < num_groups(); ++i) {
    const double lr = group_lr(i);
    if (t == 0) {
      lrs.push_back(lr * s);
    } else if (t > n) {
      lrs.push_back(lr);
    } else {
      lrs.push_back(lr * (1. + (e - s) / (static_cast<double>(n) * s +
                                          static_cast<double>(t - 1) * (e - s))));
    }
  }
  return lrs;
}

// base·(s + (e − s)·min(N, t)/N)
std::optional<std::vector<double>> LinearLR::closed_form_lr() const {
  const double s = options_.start_factor(), e = options_.end_factor();
  const int64_t n = options_.total_iters();
  const auto t = static_cast<double>(std::min(n, last_epoch()));
  std::vector<double> lrs;
  for (double base : base_lrs()) lrs.push_back(base * (s + (e - s) * t / static_cast<double>(n)));
  return lrs;
}

}  // namespace xgrad::optim
