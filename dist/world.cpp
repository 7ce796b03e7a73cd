#include <xgrad/dist/world.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <mutex>

#include <xgrad/core/error.hpp>
#include <xgrad/dist/detail/backend.hpp>
#include <xgrad/dist/detail/comm_thread.hpp>

namespace xgrad::dist {
namespace detail {

LaunchInfo launch_info() {
  // Open MPI's mpirun, then PMIx (Open MPI 5, Slurm), then MPICH's hydra and Slurm's PMI.
  static const char* const kVariables[][2] = {{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
                                              {"PMIX_RANK", "PMIX_SIZE"},
                                              {"PMI_RANK", "PMI_SIZE"}};
  LaunchInfo info;
  for (const auto& names : kVariables) {
    const char* rank = std::getenv(names[0]);
    if (!rank) continue;
    info.launched = true;
    info.rank = std::atoi(rank);
    const char* size = std::getenv(names[1]);
    info.size = size ? std::atoi(size) : 0;  // PMIx may not say: 0 = known after MPI_Init
    return info;
  }
  return info;
}

}  // namespace detail

namespace {

struct World {
  std::mutex mutex;
  bool initialized = false;
  bool finalized = false;
  int rank = 0;
  int size = 1;
  std::unique_ptr<detail::CommThread> comm;  // in a job started by a launcher, else null
};

// Never destroyed: finalize() runs from atexit, after which static destructors still run.
World& world() {
  static World* w = new World();
  return *w;
}

void finalize_at_exit() {
  try {
    finalize();
  } catch (const std::exception& e) {
    std::cerr << "xgrad::dist: finalize at exit failed: " << e.what() << "\n";
  }
}

// An exception nobody caught, on any thread: end the whole job, naming this rank and the error.
[[noreturn]] void terminate_job() {
  std::string what = "terminate called (no active exception)";
  if (auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      what = fmt::format("uncaught exception: {}", ex.what());
    } catch (...) {
      what = "uncaught exception of a type not derived from std::exception";
    }
  }
  abort(1, what);
}

void start(int* argc, char*** argv) {
  World& w = world();
  std::lock_guard<std::mutex> lock(w.mutex);
  if (w.initialized) return;
  if (w.finalized) {
    throw ValueError("dist::init: called after finalize(); MPI cannot be started twice");
  }
  const detail::LaunchInfo launch = detail::launch_info();
  if (launch.launched && !detail::backend_available() && launch.size != 1) {
    throw Error(fmt::format(
        "dist::init: this process was started by an MPI launcher as rank {} of {}, but xgrad "
        "was built without MPI (XGRAD_WITH_MPI=OFF, or CMake did not find MPI); rebuild with "
        "libopenmpi-dev installed, or run a single process",
        launch.rank, launch.size));
  }
  if (launch.launched && detail::backend_available()) {
    w.comm =
        std::make_unique<detail::CommThread>([argc, argv] { detail::backend_start(argc, argv); });
    detail::run([&w] {
      w.rank = detail::backend_rank();
      w.size = detail::backend_size();
    });
    if (w.size > 1) std::set_terminate(terminate_job);
  }
  w.initialized = true;
  std::atexit(finalize_at_exit);
}

}  // namespace

namespace detail {

Ticket submit(std::function<void()> job) {
  World& w = world();
  if (w.comm) return w.comm->submit(std::move(job));
  // A world of one: run at once, with the error (if any) in the ticket as on a thread.
  std::packaged_task<void()> task(std::move(job));
  Ticket ticket = task.get_future().share();
  task();
  return ticket;
}

void run(std::function<void()> job) {
  submit(std::move(job)).get();
}

}  // namespace detail

void init(int& argc, char**& argv) {
  start(&argc, &argv);
}

void init() {
  start(nullptr, nullptr);
}

void finalize() {
  World& w = world();
  std::lock_guard<std::mutex> lock(w.mutex);
  if (!w.initialized) return;
  w.initialized = false;
  w.finalized = true;
  if (w.comm) {
    w.comm->shutdown([] { detail::backend_stop(); });
    w.comm.reset();
  }
  w.rank = 0;
  w.size = 1;
}

bool is_initialized() {
  return world().initialized;
}

namespace {
// Before init(), a process started by a launcher does not know its place yet: using the
// process group then is a mistake that would make every rank train alone.
void check_initialized(const char* fn) {
  if (world().initialized) return;
  const detail::LaunchInfo launch = detail::launch_info();
  if (launch.launched && launch.size != 1) {
    throw ValueError(
        fmt::format("dist::{}: this process was started by an MPI launcher (rank {} of {}) but "
                    "dist::init(argc, argv) has not been called; call it first in main()",
                    fn, launch.rank, launch.size));
  }
}
}  // namespace

int rank() {
  check_initialized("rank");
  return world().rank;
}

int world_size() {
  check_initialized("world_size");
  return world().size;
}

bool is_distributed() {
  return world_size() > 1;
}

bool built_with_mpi() {
  return detail::backend_available();
}

std::string describe() {
  return fmt::format("rank {} of {} ({})", rank(), world_size(),
                     world().comm ? detail::backend_description() : "no MPI: a world of one");
}

void abort(int code, const std::string& message) {
  if (code == 0) code = 1;
  const World& w = world();
  std::cout.flush();
  std::cerr << fmt::format("xgrad::dist: rank {} of {}: {}\n", w.rank, w.size, message);
  std::cerr.flush();
  if (w.comm) detail::backend_abort(code);
  std::exit(code);
}

}  // namespace xgrad::dist
