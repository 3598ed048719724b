// The exact solvers on pre-generated data (single core; generation excluded).
// Targets (issue 4): GF(2) (20,3) <= 2 us, (100,3) <= 20 us; exhaustive (20,3) <= 50 us.
//   ./build/benchmarks/solvers_parity --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// recorded_*: the same solves with memory::recording_access (docs/performance.md).
#include <benchmark/benchmark.h>

#include <cstdint>

#include "sutro/memory/access_policy.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace {
using namespace sutro;
using tasks::split;

// GF(2) elimination with n + 10 samples (the group's setting is n + 1; ours stops at full rank).
void gf2_elimination(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), k = static_cast<std::size_t>(state.range(1));
  auto train = tasks::sparse_parity(n, k, 42).packed(split::train, n + 10);
  solvers::gf2_elimination solver;
  for (auto _ : state) {
    auto r = solver.solve(train);
    benchmark::DoNotOptimize(r.subset.data());
    if (r.status != solvers::solve_status::found) state.SkipWithError("not found");
  }
}
BENCHMARK(gf2_elimination)
    ->Args({20, 3})
    ->Args({50, 3})
    ->Args({100, 3})
    ->Args({127, 3})
    ->Args({200, 3})
    ->Args({256, 3})
    ->Args({512, 3})
    ->Args({1000, 3})
    ->Args({20, 5});

// The same systems through the general sutro::gf2 path (gf2::matrix + gf2::solve).
void gf2_general(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), k = static_cast<std::size_t>(state.range(1));
  auto train = tasks::sparse_parity(n, k, 42).packed(split::train, n + 10);
  for (auto _ : state) {
    auto r = solvers::gf2_general{}.solve(train);
    benchmark::DoNotOptimize(r.subset.data());
    if (r.status != solvers::solve_status::found) state.SkipWithError("not found");
  }
}
BENCHMARK(gf2_general)->Args({20, 3})->Args({100, 3})->Args({200, 3})->Args({1000, 3});

// Exhaustive search; samples = range(2).
void exhaustive(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0)), k = static_cast<std::size_t>(state.range(1));
  auto train = tasks::sparse_parity(n, k, 42).packed(split::train, static_cast<std::size_t>(state.range(2)));
  solvers::exhaustive solver;
  for (auto _ : state) {
    auto r = solver.solve(train);
    benchmark::DoNotOptimize(r.subset.data());
    if (r.status != solvers::solve_status::found) state.SkipWithError("not found");
  }
}
BENCHMARK(exhaustive)
    ->Args({20, 3, 20})
    ->Args({20, 3, 64})
    ->Args({20, 3, 500})
    ->Args({50, 3, 64})
    ->Args({100, 3, 64})
    ->Args({20, 5, 64});

// Robust GF(2) on noisy (20, 3), 500 samples; range(1) = noise in percent.
void robust_gf2(benchmark::State& state) {
  auto train = tasks::sparse_parity(20, 3, 42, {.noise = static_cast<double>(state.range(1)) / 100})
                   .packed(split::train, static_cast<std::size_t>(state.range(0)));
  solvers::robust_gf2 solver;
  for (auto _ : state) {
    auto r = solver.solve(train);
    benchmark::DoNotOptimize(r.subset.data());
    if (r.status != solvers::solve_status::found) state.SkipWithError("not found");
  }
}
BENCHMARK(robust_gf2)
    ->Args({500, 10})
    ->Args({500, 15})
    ->Args({500, 20})
    ->Args({500, 25})
    ->Unit(benchmark::kMicrosecond);

void sum_correlation(benchmark::State& state) {
  auto train = tasks::sparse_sum(static_cast<std::size_t>(state.range(0)), 3, 42).packed(split::train, 500);
  for (auto _ : state) benchmark::DoNotOptimize(solvers::sum_correlation{}.solve(train).subset.data());
}
BENCHMARK(sum_correlation)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);

void sum_least_squares(benchmark::State& state) {
  auto train = tasks::sparse_sum(static_cast<std::size_t>(state.range(0)), 3, 42).packed(split::train, 500);
  for (auto _ : state) benchmark::DoNotOptimize(solvers::sum_least_squares{}.solve(train).subset.data());
}
BENCHMARK(sum_least_squares)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);

// The same solves recorded (memory::recording_access into a word-granular
// trace, reuse distances included): the tracing overhead when on, against the
// plain runs above with the same arguments.
template <class Solver>
void recorded(benchmark::State& state, const tasks::packed_samples& train, const Solver& solver) {
  for (auto _ : state) {
    memory::trace t({.unit = memory::granularity::word});
    auto r = solver.solve(train, memory::recording_access{&t});
    benchmark::DoNotOptimize(r.subset.data());
    benchmark::DoNotOptimize(t.reads());
  }
}
void recorded_gf2_elimination(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  recorded(state, tasks::sparse_parity(n, 3, 42).packed(split::train, n + 10), solvers::gf2_elimination{});
}
BENCHMARK(recorded_gf2_elimination)->Arg(20)->Arg(100)->Arg(200)->Unit(benchmark::kMicrosecond);
void recorded_gf2_general(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  recorded(state, tasks::sparse_parity(n, 3, 42).packed(split::train, n + 10), solvers::gf2_general{});
}
BENCHMARK(recorded_gf2_general)->Arg(20)->Arg(200)->Unit(benchmark::kMicrosecond);
void recorded_exhaustive(benchmark::State& state) {
  recorded(state, tasks::sparse_parity(static_cast<std::size_t>(state.range(0)), 3, 42).packed(split::train, 64),
           solvers::exhaustive{});
}
BENCHMARK(recorded_exhaustive)->Arg(20)->Arg(50)->Unit(benchmark::kMicrosecond);
void recorded_sum_correlation(benchmark::State& state) {
  recorded(state, tasks::sparse_sum(static_cast<std::size_t>(state.range(0)), 3, 42).packed(split::train, 500),
           solvers::sum_correlation{});
}
BENCHMARK(recorded_sum_correlation)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);
void recorded_sum_least_squares(benchmark::State& state) {
  recorded(state, tasks::sparse_sum(static_cast<std::size_t>(state.range(0)), 3, 42).packed(split::train, 500),
           solvers::sum_least_squares{});
}
BENCHMARK(recorded_sum_least_squares)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
