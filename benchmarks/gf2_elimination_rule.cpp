// The measurements behind the simd elimination's size/density rule
// (m4ri_elim::prefer_rowwise): one pivot at a time against the M4RI-style
// table passes, on random m x n matrices of a given density, square and 4:1
// tall. Args: n, rows per column (1 or 4), density in per mille, reduced.
//   gf2_elimination_rule --benchmark_min_time=0.05
#include <cstddef>
#include <cstdint>
#include <random>

#include <benchmark/benchmark.h>

#include "sutro/gf2/all.hpp"

#if SUTRO_SIMD_ENABLED
namespace gf2 = sutro::gf2;
using M = gf2::matrix<sutro::simd>;

namespace {
M sparse_random(std::size_t m, std::size_t n, std::uint64_t per_mille) {
  M a(m, n);
  std::mt19937_64 rng(n);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (rng() % 1000 < per_mille) a.set(i, j, true);
  return a;
}

template <bool M4ri>
void elim(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto m = n * static_cast<std::size_t>(state.range(1));
  const bool reduced = state.range(3) != 0;
  const M a = sparse_random(m, n, static_cast<std::uint64_t>(state.range(2)));
  M w = a;
  for (auto _ : state) {
    state.PauseTiming();
    w = a;
    state.ResumeTiming();
    if constexpr (M4ri)
      benchmark::DoNotOptimize(gf2::kernels::echelonize_m4ri(sutro::simd{}, w.block(), reduced, n, 1, nullptr).rank);
    else
      benchmark::DoNotOptimize(gf2::kernels::echelonize_rowwise(sutro::simd{}, w.block(), reduced, n).rank);
  }
}

void shapes(benchmark::internal::Benchmark* b) {
  for (long reduced : {0L, 1L})
    for (long density : {500L, 50L, 20L, 10L})
      for (long n : {128L, 192L, 256L, 320L, 384L, 512L, 768L})
        for (long tall : {1L, 4L}) b->Args({n, tall, density, reduced});
}
}  // namespace

BENCHMARK(elim<false>)->Name("rowwise")->Apply(shapes)->Unit(benchmark::kMicrosecond);
BENCHMARK(elim<true>)->Name("m4ri")->Apply(shapes)->Unit(benchmark::kMicrosecond);
#endif

BENCHMARK_MAIN();
