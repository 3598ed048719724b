// Each exact solver on its task.
#include <cstdio>

#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace {
void show(const char* what, const sutro::solvers::solve_result& r) {
  std::printf("%-40s %-9s subset:", what, sutro::solvers::to_string(r.status));
  for (auto j : r.subset) std::printf(" %u", j);
  std::printf("  (samples used %zu)\n    %s\n", r.stats.samples_used, r.reason.c_str());
}
}  // namespace

int main() {
  using namespace sutro;
  using tasks::split;
  // [gf2]
  auto task = tasks::sparse_parity(100, 3, 42);
  auto r = solvers::gf2_elimination{}.solve(task.packed(split::train, 110));  // n + 10 samples
  show("gf2_elimination (100,3), 110 samples", r);
  show("gf2_elimination (100,3), 90 samples", solvers::gf2_elimination{}.solve(task.packed(split::train, 90)));
  show("gf2_general (100,3), 110 samples", solvers::gf2_general{}.solve(task.packed(split::train, 110)));
  // [gf2]

  // [robust]
  auto noisy = tasks::sparse_parity(20, 3, 42, {.noise = 0.2});
  auto train = noisy.packed(split::train, 500);
  show("gf2_elimination (20,3) 20% noise", solvers::gf2_elimination{}.solve(train));
  show("robust_gf2 (20,3) 20% noise", solvers::robust_gf2{}.solve(train));
  show("exhaustive (20,3) 20% noise", solvers::exhaustive{}.solve(train));
  // [robust]

  // [noisy]
  auto lpn = tasks::sparse_parity(200, 3, 42, {.noise = 0.1}).packed(split::train, 1000);
  show("noisy_parity (200,3) 10% noise", solvers::noisy_parity{}.solve(lpn));  // bucket_search
  // [noisy]

  // [exhaustive]
  auto small = tasks::sparse_parity(20, 3, 42);
  show("exhaustive (20,3), 8 samples", solvers::exhaustive{}.solve(small.packed(split::train, 8)));
  show("exhaustive (20,3), 20 samples", solvers::exhaustive{}.solve(small.packed(split::train, 20)));
  // [exhaustive]

  // [sum]
  auto sum = tasks::sparse_sum(50, 3, 42);
  show("sum_correlation (50,3)", solvers::sum_correlation{}.solve(sum.packed(split::train, 300)));
  show("sum_least_squares (50,3)", solvers::sum_least_squares{}.solve(sum.packed(split::train, 300)));
  // [sum]
  std::printf("secrets: parity (100,3) %u %u %u; sum (50,3) %u %u %u\n", task.secret()[0], task.secret()[1],
              task.secret()[2], sum.secret()[0], sum.secret()[1], sum.secret()[2]);
  return r.subset == task.secret() ? 0 : 1;
}
