// Popcount reductions: scalar vs simd, in GB/s of input read.
//   ./build/benchmarks/bits_popcount --benchmark_filter=xor
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sutro/bits/popcount.hpp"

namespace {

template <class Backend>
void xor_popcount(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::mt19937_64 rng(42);
  std::vector<std::uint64_t> a(n), b(n);
  for (auto& w : a) w = rng();
  for (auto& w : b) w = rng();
  for (auto _ : state) benchmark::DoNotOptimize(sutro::bits::xor_popcount(Backend{}, a, b));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 2 * n * sizeof(std::uint64_t)));
}

BENCHMARK_TEMPLATE(xor_popcount, sutro::scalar)->RangeMultiplier(8)->Range(8, 1 << 18);
BENCHMARK_TEMPLATE(xor_popcount, sutro::simd)->RangeMultiplier(8)->Range(8, 1 << 18);

}  // namespace

BENCHMARK_MAIN();
