#include <xgrad/core/autocast.hpp>

namespace xgrad {
namespace {
thread_local AutocastDType current = AutocastDType::None;
}  // namespace

AutocastDType autocast_dtype() {
  return current;
}
void set_autocast_dtype(AutocastDType dtype) {
  current = dtype;
}

}  // namespace xgrad
