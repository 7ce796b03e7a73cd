// The transport of a build without MPI (XGRAD_WITH_MPI=OFF): a world of one, where every
// collective leaves its data as it is. dist::init refuses to run under mpirun with it.
#include <cstdlib>
#include <cstring>

#include <xgrad/dist/detail/backend.hpp>

namespace xgrad::dist::detail {

bool backend_available() {
  return false;
}
void backend_start(int*, char***) {}
int backend_rank() {
  return 0;
}
int backend_size() {
  return 1;
}
bool backend_thread_multiple() {
  return true;
}
std::string backend_description() {
  return "no MPI (built with XGRAD_WITH_MPI=OFF)";
}
void backend_all_reduce(void*, int64_t, DType, ReduceOp) {}
void backend_broadcast(void*, int64_t, DType, int) {}
void backend_all_gather(const void* send, void* recv, int64_t count, DType dtype) {
  std::memcpy(recv, send, static_cast<size_t>(count) * dtype_size(dtype));
}
void backend_barrier() {}
void backend_stop() {}
void backend_abort(int code) {
  std::_Exit(code == 0 ? 1 : code);
}

}  // namespace xgrad::dist::detail
