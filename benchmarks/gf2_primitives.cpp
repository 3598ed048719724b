// Google Benchmark for every sutro::gf2 primitive, default backend, square n x n:
// add and transpose in bytes/s, multiply in n^3 bit operations/s ("n3/s"),
// elimination and PLE in rows/s, triangular solves in n^3/s. 16384 multiplies
// take ~0.3 s each:
//   gf2_primitives --benchmark_filter='mul/.*/1$'   (single thread only)
#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;
using M = gf2::matrix<>;

namespace {
void sizes(benchmark::internal::Benchmark* b) {
  for (long n : {64L, 256L, 1024L, 4095L, 4096L, 4097L, 8192L, 16384L}) b->Arg(n);
}
void sizes_threads(benchmark::internal::Benchmark* b) {
  for (long n : {64L, 256L, 1024L, 4095L, 4096L, 4097L, 8192L, 16384L})
    for (long t : {1L, 2L}) b->Args({n, t});
}
double bytes_of(std::size_t n) { return static_cast<double>(n) * static_cast<double>((n + 7) / 8); }

void add(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  M a = M::random(n, n, 1);
  const M b = M::random(n, n, 2);
  for (auto _ : state) {
    a += b;
    benchmark::DoNotOptimize(a.data());
  }
  // Reads two matrices, writes one.
  state.SetBytesProcessed(static_cast<std::int64_t>(3 * bytes_of(n) * static_cast<double>(state.iterations())));
}

void transpose(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const M a = M::random(n, n, 1);
  for (auto _ : state) {
    M t = gf2::transpose(a);
    benchmark::DoNotOptimize(t.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(2 * bytes_of(n) * static_cast<double>(state.iterations())));
}

// The kernel alone, into an output allocated once: transpose() above also
// pays for a fresh zeroed result (page faults and a memset of its size).
void transpose_into(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const M a = M::random(n, n, 1);
  M t(n, n);
  for (auto _ : state) {
    gf2::kernels::transpose(M::backend_type{}, t.block(), a.block());
    benchmark::DoNotOptimize(t.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(2 * bytes_of(n) * static_cast<double>(state.iterations())));
}

void mul(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const M a = M::random(n, n, 1), b = M::random(n, n, 2);
  for (auto _ : state) {
    M c = gf2::mul(a, b, threads);
    benchmark::DoNotOptimize(c.data());
  }
  const double n3 = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  state.counters["n3/s"] = benchmark::Counter(n3, benchmark::Counter::kIsIterationInvariantRate);
}

void echelonize(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const M a = M::random(n, n, 1);
  for (auto _ : state) {
    state.PauseTiming();
    M e = a;
    state.ResumeTiming();
    benchmark::DoNotOptimize(gf2::echelonize(e, false, threads).rank);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

void rref(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const M a = M::random(n, n, 1);
  for (auto _ : state) {
    state.PauseTiming();
    M e = a;
    state.ResumeTiming();
    benchmark::DoNotOptimize(gf2::echelonize(e, true).rank);
  }
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// PLE on backend B: simd records the factors during the M4RI-style
// elimination, scalar is the row-at-a-time reference.
template <class B>
void ple(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = gf2::matrix<B>::random(n, n, 1);
  for (auto _ : state) benchmark::DoNotOptimize(gf2::ple(a).rank);
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// X = L^-1 B, L and B n x n; n3/s counts n^3 like mul (the work is n^3 / 2).
template <class B>
void trsm_lower(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto l = gf2::matrix<B>::random(n, n, 1);
  for (std::size_t i = 0; i < n; ++i) l.set(i, i, true);  // the upper triangle is ignored
  const auto b = gf2::matrix<B>::random(n, n, 2);
  for (auto _ : state) {
    auto x = gf2::solve_lower_triangular(l, b);
    benchmark::DoNotOptimize(x.data());
  }
  const double n3 = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  state.counters["n3/s"] = benchmark::Counter(n3, benchmark::Counter::kIsIterationInvariantRate);
}

void solve_small(benchmark::State& state) {
  // The sparse-parity shape: n + 10 equations in n unknowns.
  const auto n = static_cast<std::size_t>(state.range(0));
  const M a = M::random(n + 10, n, 1);
  const auto b = a * gf2::vector<>::random(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(gf2::solve(a, b).consistent);
}
}  // namespace

BENCHMARK(add)->Apply(sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(transpose)->Apply(sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(transpose_into)->Apply(sizes)->Unit(benchmark::kMicrosecond);
BENCHMARK(mul)->Apply(sizes_threads)->Unit(benchmark::kMillisecond);
BENCHMARK(echelonize)->Apply(sizes_threads)->Unit(benchmark::kMillisecond);
BENCHMARK(rref)->Apply(sizes)->Unit(benchmark::kMillisecond);
BENCHMARK(ple<sutro::default_backend>)->Arg(256)->Arg(1024)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond);
BENCHMARK(ple<sutro::scalar>)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(trsm_lower<sutro::default_backend>)->Arg(256)->Arg(1024)->Arg(4096)->Arg(8192)->Unit(benchmark::kMillisecond);
BENCHMARK(trsm_lower<sutro::scalar>)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(solve_small)->Arg(20)->Arg(50)->Arg(100)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
