// Built against the installed package by CI: d/dx sum(x^2) = 2x.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  namespace xg = xgrad;
  auto x = xg::tensor({1.0, 2.0, 3.0}).requires_grad_();
  (x * x).sum().backward();
  const auto g = x.grad().to_vector();
  const bool ok = g == std::vector<double>{2, 4, 6};
  // xgrad::dist links MPI when the library was built with it: the package must bring it along.
  xg::dist::init();
  auto t = xg::tensor({1.0, 2.0});
  xg::dist::all_reduce(t, "sum");
  const bool dist_ok = xg::dist::world_size() == 1 && t.to_vector() == std::vector<double>{1, 2};
  std::printf("consumer: grad %s, dist %s (MPI built in: %s)\n", ok ? "ok" : "WRONG",
              dist_ok ? "ok" : "WRONG", xg::dist::built_with_mpi() ? "yes" : "no");
  return ok && dist_ok ? 0 : 1;
}
