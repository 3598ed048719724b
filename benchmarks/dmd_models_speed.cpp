// Throughput of the group's two challenge cost models, in priced reads per
// second: the sutro-problems static-address model (parsing and pricing a
// program's text, or a meter called from C++), and the sparse-parity
// challenge evaluator's clock DMC (by interned buffer id and by name).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sutro/metrics/dmd/clock_dmc.hpp"
#include "sutro/metrics/dmd/static_address.hpp"

namespace {

// A valid v0 program of n instructions over `cells` addresses, inputs at 1..64.
std::string random_program(std::size_t n, std::uint64_t cells) {
  std::mt19937_64 rng(7);
  std::string s;
  for (int a = 1; a <= 64; ++a) {
    s += std::to_string(a);
    s += a < 64 ? ',' : '\n';
  }
  std::uint64_t written = 64;
  const char* ops[] = {"add", "sub", "mul", "copy"};
  for (std::size_t i = 0; i < n; ++i) {
    const int op = static_cast<int>(rng() % 4);
    const auto dest = 1 + rng() % cells;
    s += ops[op];
    for (int k = 0; k < (op == 3 ? 2 : 3); ++k) {
      s += k ? ',' : ' ';
      s += std::to_string(k ? 1 + rng() % written : dest);
    }
    s += '\n';
    if (dest == written + 1) ++written;
  }
  return s + "1,2,3";
}

void BM_static_parse(benchmark::State& state) {
  const auto text = random_program(static_cast<std::size_t>(state.range(0)), 4096);
  std::uint64_t reads = 0;
  for (auto _ : state) {
    const auto p = sutro::metrics::dmd::parse_static(text, sutro::metrics::dmd::ir_dialect::v0);
    benchmark::DoNotOptimize(p.cost);
    reads += p.reads;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(reads));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_static_parse)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

void BM_static_meter(benchmark::State& state) {
  const auto cells = static_cast<std::uint64_t>(state.range(0));
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> trace(1 << 20);
  for (auto& a : trace) a = 1 + rng() % cells;
  std::vector<std::uint64_t> inputs(cells);
  for (std::uint64_t a = 0; a < cells; ++a) inputs[a] = a + 1;
  for (auto _ : state) {
    sutro::metrics::dmd::static_address_meter m(inputs);
    for (auto a : trace) m.read(a);
    benchmark::DoNotOptimize(m.cost());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trace.size()));
}
BENCHMARK(BM_static_meter)->Arg(1 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_clock_dmc_by_id(benchmark::State& state) {
  const auto buffers = static_cast<std::uint32_t>(state.range(0));
  std::mt19937_64 rng(5);
  std::vector<std::uint32_t> trace(1 << 20);
  for (auto& b : trace) b = static_cast<std::uint32_t>(rng() % buffers);
  for (auto _ : state) {
    sutro::metrics::dmd::clock_dmc t;
    for (std::uint32_t b = 0; b < buffers; ++b) t.write(t.buffer(std::to_string(b)), 20);
    for (auto b : trace) t.read(b, 1);
    benchmark::DoNotOptimize(t.dmc());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trace.size()));
}
BENCHMARK(BM_clock_dmc_by_id)->Arg(16)->Arg(1 << 16)->Unit(benchmark::kMillisecond);

void BM_clock_dmc_by_name(benchmark::State& state) {
  std::vector<std::string> names;
  for (int b = 0; b < 64; ++b) names.push_back(std::string("_slice_").append(std::to_string(b)));
  std::mt19937_64 rng(5);
  std::vector<std::uint32_t> trace(1 << 20);
  for (auto& b : trace) b = static_cast<std::uint32_t>(rng() % names.size());
  for (auto _ : state) {
    sutro::metrics::dmd::clock_dmc t;
    for (const auto& n : names) t.write(n, 20);
    for (auto b : trace) t.read(names[b]);
    benchmark::DoNotOptimize(t.dmc());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * trace.size()));
}
BENCHMARK(BM_clock_dmc_by_name)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
