// A job in which rank 1 fails while rank 0 waits for it in a collective. Run by
// expect_failure.cmake: the job must end with a non-zero status and a message naming rank 1,
// within seconds. Modes: "throw" (an exception escapes dist::run's body), "return" (the body
// returns non-zero), "terminate" (an uncaught exception without dist::run).
#include <chrono>
#include <cstring>
#include <iostream>
#include <thread>
#include <xgrad/xgrad.hpp>

namespace xg = xgrad;
namespace dist = xgrad::dist;

namespace {
int body(const std::string& mode) {
  dist::barrier();
  if (dist::rank() == 1) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // rank 0 is waiting now
    if (mode == "return") return 3;
    throw xg::ValueError("fault test: rank 1 fails on purpose");
  }
  auto t = xg::ones({4});
  dist::all_reduce(t, "sum");  // never completes: rank 1 does not come
  std::cerr << "fault test: rank 0 was not stopped\n";
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "throw";
  if (mode == "terminate") {
    dist::init(argc, argv);
    return body(mode);  // the exception escapes main: the terminate handler ends the job
  }
  return dist::run(argc, argv, [&] { return body(mode); });
}
