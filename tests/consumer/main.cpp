// Built against the installed package by CI: d/dx sum(x^2) = 2x.
#include <xgrad/xgrad.hpp>

#include <cstdio>

int main() {
  namespace xg = xgrad;
  auto x = xg::tensor({1.0, 2.0, 3.0}).requires_grad_();
  (x * x).sum().backward();
  const auto g = x.grad().to_vector();
  const bool ok = g == std::vector<double>{2, 4, 6};
  std::printf("consumer: grad %s\n", ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
