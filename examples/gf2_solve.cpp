// docs/gf2.md, "Solving": sparse parity (n = 20, k = 3) by Gaussian elimination.
// Each sample b in {0,1}^n gives one equation <b, s> = y over GF(2); with n + 10
// samples the system has full rank with probability about 0.999.
#include <cstdio>
#include <random>
#include <vector>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

int main() {
  using M = gf2::matrix<>;
  using V = gf2::vector<>;
  const std::size_t n = 20, samples = n + 10;
  const std::vector<std::size_t> secret{3, 11, 17};

  M x = M::random(samples, n, /*seed=*/42);  // one sample per row
  V y(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    bool parity = false;
    for (std::size_t j : secret) parity ^= x(i, j);
    y.set(i, parity);
  }

  auto s = gf2::solve(x, y);  // {consistent, solution, nullspace (columns)}
  if (!s.consistent) return 1;
  std::printf("solution %s, nullspace dimension %zu\n", s.solution.to_string().c_str(), s.nullspace.cols());
  std::vector<std::size_t> found;
  for (std::size_t j = 0; j < n; ++j)
    if (s.solution[j]) found.push_back(j);
  if (s.nullspace.cols() == 0 && found != secret) return 1;

  // Errors are exceptions that name the shapes.
  try {
    (void)gf2::solve(x, V(samples + 1));
  } catch (const std::invalid_argument& e) {
    std::printf("%s\n", e.what());
  }
  // Inverse and kernel.
  M a = M::from_rows({"110", "011", "001"});
  M inv = gf2::inverse(a);
  if (!(a * inv == M::identity(3))) return 1;
  M k = gf2::kernel(M::from_rows({"110", "011"}));  // columns span {x : A x = 0}
  std::printf("kernel basis (columns):\n%s", k.to_string().c_str());
  try {
    (void)gf2::inverse(M::from_rows({"11", "11"}));
    return 1;
  } catch (const std::domain_error& e) {
    std::printf("%s\n", e.what());
  }
  return 0;
}
