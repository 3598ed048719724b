// Batched small sparse parity solves (n = 64, k = 3, 80 samples per system),
// each system generating its own samples from its seed, on the device against
// the host SIMD backend in the same process.
//
//   ./batched_solve --benchmark_counters_tabular=true
//
// The simd baseline is batched_solve_host.cpp (host compiler, -march=native).
// Device times are CUDA events around the kernel alone (after a warm-up launch;
// seeds already in device memory, answers left there); `cuda_end_to_end` adds
// the seed upload, the answer download and the allocations. solves_per_s is
// systems / time for each; the ratio to `simd` is the device's speed-up.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <numeric>
#include <vector>

#include "sutro/solvers/batch.hpp"

// batched_solve_host.cpp: the simd backend built by the host compiler.
std::vector<sutro::solvers::small_result> host_simd_solve_batch(const sutro::tasks::task_spec& spec,
                                                                std::span<const std::uint64_t> seeds,
                                                                std::size_t samples);

namespace {
using namespace sutro;

constexpr std::size_t n = 64, k = 3, samples = 80;
const tasks::task_spec spec{tasks::task_kind::parity, n, k};

std::vector<std::uint64_t> seeds_for(std::size_t systems) {
  std::vector<std::uint64_t> s(systems);
  std::iota(s.begin(), s.end(), std::uint64_t{1});
  return s;
}

void set_rate(benchmark::State& state, std::size_t systems, double seconds) {
  state.counters["systems"] = static_cast<double>(systems);
  state.counters["solves_per_s"] = static_cast<double>(systems) * static_cast<double>(state.iterations()) / seconds;
}

void cuda_kernel(benchmark::State& state) {
  if (cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device visible");
    return;
  }
  const auto systems = static_cast<std::size_t>(state.range(0));
  const auto seeds = seeds_for(systems);
  const auto d_seeds = tasks::device_array<std::uint64_t>::from_host(seeds);
  tasks::device_array<solvers::small_result> d_out(systems);
  cudaEvent_t start, stop;
  SUTRO_CUDA_CHECK(cudaEventCreate(&start));
  SUTRO_CUDA_CHECK(cudaEventCreate(&stop));
  solvers::solve_batch_device(spec, d_seeds.data(), systems, samples, d_out.data());  // warm-up
  SUTRO_CUDA_CHECK(cudaDeviceSynchronize());
  double total = 0;
  for (auto _ : state) {
    SUTRO_CUDA_CHECK(cudaEventRecord(start));
    solvers::solve_batch_device(spec, d_seeds.data(), systems, samples, d_out.data());
    SUTRO_CUDA_CHECK(cudaEventRecord(stop));
    SUTRO_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    SUTRO_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    state.SetIterationTime(ms / 1e3);
    total += ms / 1e3;
  }
  set_rate(state, systems, total);
  SUTRO_CUDA_CHECK(cudaEventDestroy(start));
  SUTRO_CUDA_CHECK(cudaEventDestroy(stop));
}
BENCHMARK(cuda_kernel)->Arg(100'000)->Arg(300'000)->Arg(1'000'000)->UseManualTime()->Unit(benchmark::kMillisecond);

void cuda_end_to_end(benchmark::State& state) {
  if (cuda_device_count() == 0) {
    state.SkipWithError("no CUDA device visible");
    return;
  }
  const auto systems = static_cast<std::size_t>(state.range(0));
  const auto seeds = seeds_for(systems);
  benchmark::DoNotOptimize(solvers::solve_batch(cuda{}, spec, seeds, samples));  // warm-up
  double total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(solvers::solve_batch(cuda{}, spec, seeds, samples));
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  set_rate(state, systems, total);
}
BENCHMARK(cuda_end_to_end)->Arg(100'000)->Arg(1'000'000)->UseRealTime()->Unit(benchmark::kMillisecond);

// The host SIMD backend on all cores (std::thread), the same systems; wall time.
// (Each system runs solve_small on the host; see docs/cuda.md.)
void simd(benchmark::State& state) {
  const auto systems = static_cast<std::size_t>(state.range(0));
  const auto seeds = seeds_for(systems);
  double total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(host_simd_solve_batch(spec, seeds, samples));
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  set_rate(state, systems, total);
}
BENCHMARK(simd)->Arg(100'000)->Arg(1'000'000)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
