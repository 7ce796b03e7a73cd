#include <xgrad/dist/collectives.hpp>

#include <fmt/format.h>

#include <cstring>

#include <xgrad/core/detail/storage.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/dist/detail/backend.hpp>
#include <xgrad/dist/detail/call_check.hpp>
#include <xgrad/dist/detail/comm_thread.hpp>
#include <xgrad/dist/world.hpp>

namespace xgrad::dist {
namespace {

enum class Op { Sum = 0, Mean = 1, Max = 2 };

Op parse_op(const char* fn, const std::string& name) {
  if (name == "sum") return Op::Sum;
  if (name == "mean") return Op::Mean;
  if (name == "max") return Op::Max;
  throw ValueError(
      fmt::format("{}: unknown reduction '{}'; the known ones are sum, mean, max", fn, name));
}

void check_defined(const char* fn, const Tensor& t) {
  if (!t.defined()) throw ValueError(fmt::format("{}: the tensor is undefined", fn));
}

void* data_of(const Tensor& t) {
  return visit_dtype(t.dtype(), [&](auto z) -> void* { return raw_data<decltype(z)>(t); });
}

}  // namespace

void all_reduce(const Tensor& t, const std::string& op_name) {
  check_defined("all_reduce", t);
  const Op op = parse_op("all_reduce", op_name);
  if (op == Op::Mean && !is_floating(t.dtype())) {
    throw DTypeError(fmt::format(
        "all_reduce: \"mean\" of a {} tensor would be truncated; use \"sum\" and divide, or "
        "convert to a floating dtype first",
        dtype_name(t.dtype())));
  }
  const int size = world_size();
  if (size == 1) {  // a world of one: every reduction is the data itself
    t.bump_version();
    return;
  }
  const detail::CallSignature call{detail::CallKind::AllReduce, static_cast<int64_t>(op), t.dtype(),
                                   t.shape(), 0};
  void* data = data_of(t);
  const int64_t n = t.numel();
  const DType dtype = t.dtype();
  detail::run([&] {
    detail::check_same_call("all_reduce", call);
    detail::backend_all_reduce(data, n, dtype,
                               op == Op::Max ? detail::ReduceOp::Max : detail::ReduceOp::Sum);
  });
  if (op == Op::Mean) {
    // Divided after the sum (not each part before it) so that the mean of equal values is exact.
    visit_floating(dtype, "all_reduce", [&](auto z) {
      using T = decltype(z);
      T* p = static_cast<T*>(data);
      for (int64_t i = 0; i < n; ++i) p[i] /= static_cast<T>(size);
    });
  }
  t.bump_version();
}

double all_reduce(double value, const std::string& op) {
  Tensor t = empty_tensor({}, DType::Float64);
  raw_data<double>(t)[0] = value;
  all_reduce(t, op);
  return raw_data<double>(t)[0];
}

void broadcast(const Tensor& t, int root) {
  check_defined("broadcast", t);
  const int size = world_size();
  if (root < 0 || root >= size) {
    throw ValueError(fmt::format(
        "broadcast: root {} is not a rank; the ranks of this job are 0 to {}", root, size - 1));
  }
  if (size == 1) {
    t.bump_version();
    return;
  }
  const detail::CallSignature call{detail::CallKind::Broadcast, root, t.dtype(), t.shape(), 0};
  void* data = data_of(t);
  detail::run([&] {
    detail::check_same_call("broadcast", call);
    detail::backend_broadcast(data, t.numel(), t.dtype(), root);
  });
  t.bump_version();
}

Tensor all_gather(const Tensor& t) {
  check_defined("all_gather", t);
  const int size = world_size();
  Shape shape = t.shape();
  shape.insert(shape.begin(), size);
  Tensor out = empty_tensor(shape, t.dtype());
  if (size == 1) {
    std::memcpy(data_of(out), data_of(t), t.numel() * dtype_size(t.dtype()));
    return out;
  }
  const detail::CallSignature call{detail::CallKind::AllGather, 0, t.dtype(), t.shape(), 0};
  detail::run([&] {
    detail::check_same_call("all_gather", call);
    detail::backend_all_gather(data_of(t), data_of(out), t.numel(), t.dtype());
  });
  return out;
}

void barrier() {
  if (world_size() == 1) return;  // also refuses a process started by mpirun without init()
  detail::run([] {
    detail::check_same_call("barrier", detail::CallSignature{});
    detail::backend_barrier();
  });
}

}  // namespace xgrad::dist
