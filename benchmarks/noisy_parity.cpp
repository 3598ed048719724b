// Noisy sparse parity at scale: success rate, wrong answers, candidates and
// time per solve over 100 seeds per configuration (generation excluded), for
// noisy_parity (its own choice of method) and each method forced.
//   ./build/default/benchmarks/noisy_parity
// Counters: solved and wrong out of 100 seeds, cand = mean candidates checked
// (subsets, collisions or trials), us_per_solve = mean wall time of one solve.
// The method code: 0 automatic, 1 exhaustive, 2 bucket_search, 3 prange.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace {
using namespace sutro;
using tasks::split;

constexpr int seeds = 100;

// Args: n, k, noise in percent, training rows, method code.
void noisy_parity(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), k = static_cast<std::size_t>(state.range(1));
  const double p = static_cast<double>(state.range(2)) / 100.0;
  const auto m = static_cast<std::size_t>(state.range(3));
  const auto method = static_cast<solvers::parity_method>(state.range(4));
  std::vector<tasks::packed_samples> data;
  std::vector<std::vector<std::uint32_t>> secrets;
  for (int s = 0; s < seeds; ++s) {
    auto task = tasks::sparse_parity(n, k, 1000 + static_cast<std::uint64_t>(s), {.noise = p});
    data.push_back(task.packed(split::train, m));
    secrets.push_back(task.secret());
  }
  const solvers::noisy_parity solver({.method = method});
  double solved = 0, wrong = 0, cand = 0, seconds = 0;
  for (auto _ : state) {
    solved = wrong = cand = seconds = 0;
    for (int s = 0; s < seeds; ++s) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = solver.solve(data[static_cast<std::size_t>(s)]);
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      benchmark::DoNotOptimize(r.subset.data());
      if (r.status == solvers::solve_status::found) {
        solved += 1;
        wrong += r.subset != secrets[static_cast<std::size_t>(s)];
      }
      cand += static_cast<double>(r.stats.candidates);
    }
  }
  state.counters["solved"] = solved;
  state.counters["wrong"] = wrong;
  state.counters["cand"] = cand / seeds;
  state.counters["us_per_solve"] = 1e6 * seconds / seeds;
  const auto plan = solvers::plan_noisy_parity(data[0].spec, m, {.method = method});
  state.counters["chosen"] = static_cast<double>(plan.method);
  state.counters["key_bits"] = static_cast<double>(plan.bucket.key_bits);
  state.counters["pred_exh"] = plan.exhaustive_cost;
  state.counters["pred_bucket"] = plan.bucket_cost;
  state.counters["pred_prange"] = plan.prange_cost;
}

// The targets (automatic choice), then each method forced on them.
BENCHMARK(noisy_parity)
    ->ArgNames({"n", "k", "p%", "m", "method"})
    ->Args({100, 3, 10, 1000, 0})
    ->Args({50, 3, 20, 1000, 0})
    ->Args({20, 3, 25, 500, 0})
    ->Args({200, 3, 10, 1000, 0})
    ->Args({100, 3, 10, 1000, 1})
    ->Args({100, 3, 10, 1000, 2})
    ->Args({50, 3, 20, 1000, 1})
    ->Args({50, 3, 20, 1000, 2})
    ->Args({200, 3, 10, 1000, 1})
    ->Args({200, 3, 10, 1000, 2})
    // The group's table: (20, 3) at their 500 challenge rows and at 200.
    ->Args({20, 3, 10, 500, 0})
    ->Args({20, 3, 15, 500, 0})
    ->Args({20, 3, 20, 500, 0})
    ->Args({20, 3, 10, 200, 0})
    ->Args({20, 3, 15, 200, 0})
    ->Args({20, 3, 20, 200, 0})
    ->Args({20, 3, 10, 100, 0})
    ->Args({20, 3, 15, 100, 0})
    ->Args({20, 3, 20, 100, 0})
    // The group's method (random subsets of equations: Prange) with the certificate.
    ->Args({20, 3, 10, 500, 3})
    ->Args({20, 3, 15, 500, 3})
    ->Args({20, 3, 20, 500, 3})
    ->Args({20, 3, 20, 200, 3})
    // Larger k: where meet-in-the-middle and Prange pay off.
    ->Args({100, 5, 10, 1000, 0})
    ->Args({30, 10, 2, 300, 0})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
