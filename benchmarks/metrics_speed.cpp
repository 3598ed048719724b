// Exact reuse-distance engine throughput (accesses/s) over traces with a
// given number of distinct addresses, and ByteDMD pricing of the naive
// 16x16 matrix product (the group's Python tool: about 0.7 s).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sutro/dmd/bytedmd.hpp"
#include "sutro/dmd/reference_kernels.hpp"
#include "sutro/memory/reuse_distance.hpp"

namespace {

// kind 0: cyclic sweep (every distance = distinct, the LRU worst case for a
// cache, the best case for the hash table's locality); 1: uniform random
// (hash lookups miss the cache); 2: half of each, interleaved.
std::vector<std::uint64_t> make_trace(std::size_t n, std::uint64_t distinct, int kind, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> t(n);
  std::uint64_t sweep = 0;
  for (auto& k : t) {
    const bool random = kind == 1 || (kind == 2 && (rng() & 1));
    k = random ? rng() % distinct : sweep++ % distinct;
  }
  return t;
}

void BM_reuse_distance(benchmark::State& state) {
  const auto distinct = static_cast<std::uint64_t>(state.range(0));
  const std::size_t n = std::max<std::size_t>(4 * distinct, 1 << 22);
  const auto trace = make_trace(n, distinct, static_cast<int>(state.range(1)), 42);
  for (auto _ : state) {
    sutro::memory::reuse_distance rd;
    rd.access(trace.data(), trace.size());
    benchmark::DoNotOptimize(rd.histogram().data());
    state.counters["bytes"] = double(rd.memory_bytes());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_reuse_distance)
    ->ArgNames({"distinct", "kind"})
    ->ArgsProduct({{1000, 100000, 10000000}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

// One access() call per key (what access_bytes and traced views do): no
// prefetch ahead, histogram updated per access.
void BM_reuse_distance_single(benchmark::State& state) {
  const auto distinct = static_cast<std::uint64_t>(state.range(0));
  const std::size_t n = std::max<std::size_t>(4 * distinct, 1 << 22);
  const auto trace = make_trace(n, distinct, static_cast<int>(state.range(1)), 42);
  for (auto _ : state) {
    sutro::memory::reuse_distance rd;
    for (auto k : trace) benchmark::DoNotOptimize(rd.access(k));
    benchmark::DoNotOptimize(rd.histogram().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_reuse_distance_single)
    ->ArgNames({"distinct", "kind"})
    ->ArgsProduct({{1000, 100000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

using sutro::dmd::reference::matmul;

// Record + price, as sutro::dmd::bytedmd does end to end.
void BM_bytedmd_matmul(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Two objects: the same one passed twice is one set of values (the tool tracks lists by identity).
  const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0)), B = A;
  for (auto _ : state) {
    auto r = sutro::dmd::bytedmd({.keep_events = false}, matmul, A, B);
    benchmark::DoNotOptimize(r.cost);
  }
  state.counters["speedup_vs_0.7s"] = benchmark::Counter(0.7 * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_bytedmd_matmul)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
