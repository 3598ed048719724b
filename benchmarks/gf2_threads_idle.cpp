// The plain elimination on one thread and on two, by what the process did
// just before each call (docs/performance.md, GF(2), "What the second CPU did
// before the call"): on a virtual machine a worker that slept is often woken
// on its caller's CPU and stays there while both are busy.
//   echelonize/n/threads/before:0  back to back
//   echelonize/n/threads/before:1  90 ms of work on the calling thread alone
//                                  (M4RI's turn in gf2_vs_m4ri)
//   echelonize/n/threads/before:2  90 ms asleep
// Wall time (the workers' CPU time is not the caller's); the copy of the
// input and the 90 ms before each call are not timed.
// Run: build/default/benchmarks/gf2_threads_idle --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {

void echelonize_after(benchmark::State& st) {
  const auto n = static_cast<std::size_t>(st.range(0));
  const auto threads = static_cast<unsigned>(st.range(1));
  const auto before = st.range(2);
  const gf2::matrix<> a = gf2::matrix<>::random(n, n, 42);
  gf2::matrix<> b = a;  // assigned again before each call, into the same pages
  volatile std::uint64_t spin = 0;
  for (auto _ : st) {
    st.PauseTiming();
    b = a;
    if (before == 1) {
      const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(90);
      while (std::chrono::steady_clock::now() < end) spin = spin + 1;
    } else if (before == 2) {
      std::this_thread::sleep_for(std::chrono::milliseconds(90));
    }
    st.ResumeTiming();
    benchmark::DoNotOptimize(gf2::echelonize(b, false, threads).rank);
  }
}

}  // namespace

BENCHMARK(echelonize_after)
    ->Name("echelonize")
    ->ArgNames({"n", "threads", "before"})
    ->ArgsProduct({{4096, 8192}, {1, 2}, {0, 1, 2}})
    ->Iterations(9)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
