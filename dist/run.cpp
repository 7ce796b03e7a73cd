#include <xgrad/dist/run.hpp>

#include <fmt/format.h>

#include <exception>

#include <xgrad/dist/world.hpp>

namespace xgrad::dist {

int run(int& argc, char**& argv, const std::function<int()>& body) {
  int status = 1;
  try {
    init(argc, argv);
    status = body();
  } catch (const std::exception& e) {
    abort(1, e.what());
  } catch (...) {
    abort(1, "an exception of a type not derived from std::exception");
  }
  if (status != 0 && is_distributed()) abort(status, fmt::format("exiting with status {}", status));
  return status;
}

}  // namespace xgrad::dist
