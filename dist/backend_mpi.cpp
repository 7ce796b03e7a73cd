// The MPI transport (built when CMake finds MPI). Only the communication thread calls in here,
// except backend_abort; see comm_thread.hpp for why all traffic is funnelled through one thread.
#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>  // setenv, _Exit

#include <xgrad/core/error.hpp>
#include <xgrad/dist/detail/backend.hpp>

namespace xgrad::dist::detail {
namespace {

int g_thread_level = MPI_THREAD_SINGLE;

const char* level_name(int level) {
  switch (level) {
    case MPI_THREAD_SINGLE:
      return "MPI_THREAD_SINGLE";
    case MPI_THREAD_FUNNELED:
      return "MPI_THREAD_FUNNELED";
    case MPI_THREAD_SERIALIZED:
      return "MPI_THREAD_SERIALIZED";
    default:
      return "MPI_THREAD_MULTIPLE";
  }
}

MPI_Datatype mpi_type(DType dtype) {
  switch (dtype) {
    case DType::Float32:
      return MPI_FLOAT;
    case DType::Float64:
      return MPI_DOUBLE;
    case DType::Int64:
      return MPI_INT64_T;
    case DType::Bool:
      return MPI_C_BOOL;
  }
  return MPI_DOUBLE;  // unreachable: every DType is handled above
}

// Errors come back as codes (MPI_ERRORS_RETURN is set at start) and leave as xgrad::Error.
void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(rc, text, &length);
  throw Error(fmt::format("{} failed: {}", call, std::string(text, static_cast<size_t>(length))));
}

// MPI counts are int: larger buffers go in pieces of at most this many elements.
constexpr int64_t kMaxChunk = INT_MAX / 2;

template <class F>
void in_chunks(void* data, int64_t count, DType dtype, F&& f) {
  auto* bytes = static_cast<char*>(data);
  const auto size = static_cast<int64_t>(dtype_size(dtype));
  for (int64_t done = 0; done < count; done += kMaxChunk) {
    const int64_t n = std::min(kMaxChunk, count - done);
    f(bytes + done * size, static_cast<int>(n));
  }
}

}  // namespace

bool backend_available() {
  return true;
}

void backend_start(int* argc, char*** argv) {
  // Open MPI busy-polls while a blocking call waits for a peer. Here that call runs on the
  // communication thread, beside the threads computing backward: with ranks filling the cores,
  // polling without yielding took the core from the computation (2 processes x 1 thread on 2
  // cores: 17k instead of 47k samples/s, bench/dist_bench.cpp). Yielding is the default here;
  // a value set by the user (environment or mpirun --mca) wins.
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", /*overwrite=*/0);
  // MULTIPLE is asked for only so that abort() may come from any thread; everything else is
  // funnelled through the thread that calls this, so FUNNELED is enough to run.
  check(MPI_Init_thread(argc, argv, MPI_THREAD_MULTIPLE, &g_thread_level), "MPI_Init_thread");
  if (g_thread_level < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw Error(fmt::format(
        "dist::init: the MPI library granted only {}; xgrad needs at least MPI_THREAD_FUNNELED "
        "(its communication thread is the one that initialised MPI)",
        level_name(g_thread_level)));
  }
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int backend_rank() {
  int rank = 0;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  return rank;
}

int backend_size() {
  int size = 1;
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  return size;
}

bool backend_thread_multiple() {
  return g_thread_level == MPI_THREAD_MULTIPLE;
}

std::string backend_description() {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string v(version, static_cast<size_t>(length));
  v = v.substr(0, v.find_first_of(",\n"));
  return fmt::format("{}, {}", v, level_name(g_thread_level));
}

void backend_all_reduce(void* data, int64_t count, DType dtype, ReduceOp op) {
  const MPI_Op mop = op == ReduceOp::Sum ? MPI_SUM : MPI_MAX;
  in_chunks(data, count, dtype, [&](void* p, int n) {
    check(MPI_Allreduce(MPI_IN_PLACE, p, n, mpi_type(dtype), mop, MPI_COMM_WORLD), "MPI_Allreduce");
  });
}

void backend_broadcast(void* data, int64_t count, DType dtype, int root) {
  in_chunks(data, count, dtype, [&](void* p, int n) {
    check(MPI_Bcast(p, n, mpi_type(dtype), root, MPI_COMM_WORLD), "MPI_Bcast");
  });
}

void backend_all_gather(const void* send, void* recv, int64_t count, DType dtype) {
  if (count > INT_MAX) {
    throw ValueError(
        fmt::format("all_gather: {} elements per rank is more than one MPI call can carry ({})",
                    count, INT_MAX));
  }
  check(MPI_Allgather(send, static_cast<int>(count), mpi_type(dtype), recv, static_cast<int>(count),
                      mpi_type(dtype), MPI_COMM_WORLD),
        "MPI_Allgather");
}

void backend_barrier() {
  check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

void backend_stop() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

void backend_abort(int code) {
  if (g_thread_level == MPI_THREAD_MULTIPLE) MPI_Abort(MPI_COMM_WORLD, code);
  // Without MPI_THREAD_MULTIPLE this thread may not call MPI. A process that leaves without
  // MPI_Finalize makes mpirun end the whole job just the same.
  std::_Exit(code == 0 ? 1 : code);
}

}  // namespace xgrad::dist::detail
