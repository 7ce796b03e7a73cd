#pragma once
// The transport under xgrad::dist, internal: raw-buffer collectives on the world communicator.
// Two implementations, chosen when the library is built: backend_mpi.cpp (Open MPI, MPICH)
// and backend_local.cpp (XGRAD_WITH_MPI=OFF: a world of one). Every call except abort() runs
// on the communication thread (see comm_thread.hpp), the only thread that talks to MPI.
#include <cstdint>
#include <string>

#include <xgrad/core/dtype.hpp>

namespace xgrad::dist::detail {

enum class ReduceOp { Sum, Max };

/// What the launcher told this process, read from its environment (mpirun, srun, hydra).
struct LaunchInfo {
  bool launched = false;  // started by an MPI launcher
  int rank = 0;
  int size = 1;
};
LaunchInfo launch_info();

/// Whether this build can talk to other processes at all.
bool backend_available();
/// MPI_Init_thread; an Error when the thread level granted is below MPI_THREAD_FUNNELED.
void backend_start(int* argc, char*** argv);
int backend_rank();
int backend_size();
/// Whether MPI granted MPI_THREAD_MULTIPLE (then abort() may be called from any thread).
bool backend_thread_multiple();
/// A short description of the library and thread level ("Open MPI v4.1.4, MPI_THREAD_MULTIPLE").
std::string backend_description();

void backend_all_reduce(void* data, int64_t count, DType dtype, ReduceOp op);
void backend_broadcast(void* data, int64_t count, DType dtype, int root);
/// `recv` holds size() * count elements, rank r's at r * count.
void backend_all_gather(const void* send, void* recv, int64_t count, DType dtype);
void backend_barrier();
void backend_stop();
/// Ends every process of the job with `code` (MPI_Abort); never returns.
[[noreturn]] void backend_abort(int code);

}  // namespace xgrad::dist::detail
