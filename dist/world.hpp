#pragma once
// The process group: which process this is and how many take part. A program started by an
// MPI launcher (mpirun, srun) joins the job; started on its own it is a world of one, where
// every collective leaves its data as it is and DistributedDataParallel changes nothing.
//
//   int main(int argc, char** argv) {
//     xgrad::dist::init(argc, argv);
//     if (xgrad::dist::rank() == 0) std::cout << xgrad::dist::world_size() << " processes\n";
//   }
#include <string>

namespace xgrad::dist {

/// Joins the job this process was started in (MPI_Init_thread on the communication thread),
/// or makes a world of one when no MPI launcher started it. Registers finalize() to run at
/// exit and, in a job, a terminate handler that ends every rank (see abort()). Calling it
/// again does nothing. Error when MPI fails to start or, in a build without MPI, when mpirun
/// started this process as one of several.
///   xgrad::dist::init(argc, argv);
void init(int& argc, char**& argv);
/// As above, without command-line arguments for MPI.
void init();
/// Leaves the job (MPI_Finalize after every queued collective); runs at exit by itself. Every
/// rank must reach it: a rank that fails must call abort() instead, or the others wait.
void finalize();
/// Whether init() has run (and finalize() has not).
bool is_initialized();

/// This process's rank in [0, world_size()); 0 in a world of one.
int rank();
/// The number of processes in the job; 1 in a world of one.
int world_size();
/// Whether more than one process takes part.
bool is_distributed();
/// Whether this library was built with MPI (else every program is a world of one).
bool built_with_mpi();
/// One line for logs: "rank 0 of 2 (Open MPI v4.1.4, MPI_THREAD_MULTIPLE)".
std::string describe();

/// Ends every process of the job with exit status `code` (non-zero), after printing
/// "xgrad::dist: rank R of N: <message>" on stderr: what a failing rank must do, since the
/// others would otherwise wait for it forever. In a world of one it exits with `code`.
///   catch (const std::exception& e) { xgrad::dist::abort(1, e.what()); }
[[noreturn]] void abort(int code, const std::string& message);

}  // namespace xgrad::dist
