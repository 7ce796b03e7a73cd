#pragma once
// Grad mode: whether ops record the graph, per thread (like PyTorch).
//   { xgrad::NoGradGuard no_grad; auto y = model(x); }   // nothing recorded here

namespace xgrad {

struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// Sets grad mode for its scope and restores the previous one.
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : previous_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(previous_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

/// Disables recording for its scope.  Example: { xgrad::NoGradGuard g; w.sub_(lr * w.grad()); }
struct NoGradGuard : AutoGradMode {
  NoGradGuard() : AutoGradMode(false) {}
};
/// Enables recording for its scope (inside a NoGradGuard).
struct EnableGradGuard : AutoGradMode {
  EnableGradGuard() : AutoGradMode(true) {}
};

}  // namespace xgrad
