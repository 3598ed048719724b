// Generation throughput of the sparse tasks (single core).
//   ./build/benchmarks/tasks_generate --benchmark_filter=packed
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "sutro/tasks/sparse_task.hpp"

namespace {
using namespace sutro::tasks;

// 10^6 parity samples at n = 64 into one preallocated buffer: bytes/s counts
// the output (8 bytes of inputs + 4 bytes of label per sample).
void packed(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t m = 1'000'000;
  auto task = sparse_parity(n, 3, 42, {.noise = state.range(1) ? 0.1 : 0.0});
  std::vector<std::uint64_t> words(m * task.row_words());
  std::vector<std::int32_t> labels(m);
  for (auto _ : state) {
    task.generate(split::train, 0, m, words.data(), labels.data());
    benchmark::DoNotOptimize(words.data());
    benchmark::DoNotOptimize(labels.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (words.size() * 8 + labels.size() * 4)));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * m));
}
BENCHMARK(packed)->Args({64, 0})->Args({64, 1})->Args({20, 0})->Args({128, 0})->Unit(benchmark::kMillisecond);

void dense(benchmark::State& state) {
  auto task = sparse_parity(static_cast<std::size_t>(state.range(0)), 3, 42);
  const std::size_t m = 10'000;
  for (auto _ : state) {
    auto d = task.dense(split::train, m);
    benchmark::DoNotOptimize(d.x.data());
  }
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * m * (static_cast<std::size_t>(state.range(0)) + 1) * 4));
}
BENCHMARK(dense)->Arg(20)->Arg(100)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
