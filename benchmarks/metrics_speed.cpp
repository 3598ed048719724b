// Exact reuse-distance engine throughput (accesses/s) over traces with a
// given number of distinct addresses (metrics::lru_stack under
// metrics::reuse_distance), per popcount kernel at 10^5, ByteDMD of the naive 16x16 matrix
// product end to end (the group's Python tool: about 0.7 s), and the pricing
// pass of every ByteDMD variant in reads/s.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "sutro/backend/cpu.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"
#include "sutro/metrics/reuse_distance.hpp"

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
    sutro::metrics::reuse_distance rd;
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

// The batch at each popcount kernel it dispatches to (level 0: plain C++, 2:
// POPCNT, 4: AVX-512 VPOPCNTDQ), capped by cpu::scoped_level_limit; skipped
// where the CPU lacks the level.
void BM_reuse_distance_kernel(benchmark::State& state) {
  const auto distinct = static_cast<std::uint64_t>(state.range(0));
  const auto l = static_cast<sutro::cpu::level>(state.range(1));
  if (!sutro::cpu::supports(l)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  sutro::cpu::scoped_level_limit cap(l);
  const std::size_t n = std::max<std::size_t>(4 * distinct, 1 << 22);
  const auto trace = make_trace(n, distinct, 1, 42);
  for (auto _ : state) {
    sutro::metrics::reuse_distance rd;
    rd.access(trace.data(), trace.size());
    benchmark::DoNotOptimize(rd.histogram().data());
  }
  state.SetLabel(std::string(sutro::cpu::name(l)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_reuse_distance_kernel)
    ->ArgNames({"distinct", "level"})
    ->ArgsProduct({{100000}, {0, 2, 4}})
    ->Unit(benchmark::kMillisecond);

// One access() call per key (what access_bytes and traced views do): no
// prefetch ahead, histogram updated per access.
void BM_reuse_distance_single(benchmark::State& state) {
  const auto distinct = static_cast<std::uint64_t>(state.range(0));
  const std::size_t n = std::max<std::size_t>(4 * distinct, 1 << 22);
  const auto trace = make_trace(n, distinct, static_cast<int>(state.range(1)), 42);
  for (auto _ : state) {
    sutro::metrics::reuse_distance rd;
    for (auto k : trace) benchmark::DoNotOptimize(rd.access(k));
    benchmark::DoNotOptimize(rd.histogram().data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_reuse_distance_single)
    ->ArgNames({"distinct", "kind"})
    ->ArgsProduct({{1000, 100000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

using sutro::metrics::dmd::reference::matmul;

// Record + price, as sutro::metrics::dmd::bytedmd does end to end.
void BM_bytedmd_matmul(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Two objects: the same one passed twice is one set of values (the tool tracks lists by identity).
  const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0)), B = A;
  for (auto _ : state) {
    auto r = sutro::metrics::dmd::bytedmd({.keep_events = false}, matmul, A, B);
    benchmark::DoNotOptimize(r.cost);
  }
  state.counters["speedup_vs_0.7s"] = benchmark::Counter(0.7 * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_bytedmd_matmul)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);

// Pricing alone (the second pass), per variant, over the recorded naive
// n x n product (2 n^3 reads + the epilogue's n^2) and over a log of random
// reuse (each instruction reads two of `live` values at random and replaces
// one of them): reads/s.
enum class log_kind { matmul, random_reuse };
const sutro::metrics::dmd::context& recorded(log_kind kind, std::size_t n) {
  static std::map<std::pair<log_kind, std::size_t>, std::unique_ptr<sutro::metrics::dmd::context>> cache;
  auto& slot = cache[{kind, n}];
  if (slot) return *slot;
  auto ctx = std::make_unique<sutro::metrics::dmd::context>();
  if (kind == log_kind::matmul) {
    using sutro::metrics::dmd::tracked;
    std::vector<std::uint32_t> pre;
    sutro::metrics::dmd::reference::matrix A(n, sutro::metrics::dmd::reference::vector(n)), B = A;
    for (auto* M : {&A, &B})
      for (auto& row : *M)
        for (auto& x : row) x = tracked<double>::input(1.0), pre.push_back(x.id());
    ctx->set_preload(pre);
    const auto C = matmul(A, B);
    ctx->flush();
    for (const auto& row : C)
      for (const auto& x : row) ctx->keep_live(x.id());
  } else {
    std::mt19937_64 rng(7);
    std::vector<std::uint32_t> live(n);
    for (auto& v : live) v = ctx->new_value();
    ctx->set_preload(live);
    for (std::size_t t = 0; t < 4'000'000; ++t) {
      const std::uint32_t ids[2] = {live[rng() % n], live[rng() % n]};
      live[rng() % n] = ctx->record("op", ids, 2);
    }
    for (auto v : live) ctx->keep_live(v);
  }
  slot = std::move(ctx);
  return *slot;
}
void BM_bytedmd_price(benchmark::State& state) {
  const auto variant = static_cast<sutro::metrics::dmd::bytedmd_variant>(state.range(0));
  const auto& ctx = recorded(static_cast<log_kind>(state.range(1)), static_cast<std::size_t>(state.range(2)));
  std::uint64_t reads = 0;
  for (auto _ : state) {
    const auto r = sutro::metrics::dmd::price(ctx, 1, false, variant);
    benchmark::DoNotOptimize(r.cost);
    reads = ctx.inputs().size() + (sutro::metrics::dmd::load_walk_variant(variant) ||
                                           variant == sutro::metrics::dmd::bytedmd_variant::two_stack
                                       ? ctx.results().size()
                                       : 0);
  }
  state.SetLabel(std::string(sutro::metrics::dmd::to_string(variant)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * reads));
}
BENCHMARK(BM_bytedmd_price)
    ->ArgNames({"variant", "log", "n"})
    ->ArgsProduct({{0, 1, 2, 3, 4}, {0}, {64, 128}})
    ->ArgsProduct({{0, 1, 2, 3, 4}, {1}, {1000, 100000}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
