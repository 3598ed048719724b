// Reuse distance, DMD, the miss-ratio curve and an energy estimate for the
// naive i-j-k matrix product, traced at element granularity; then a measured
// energy reading where the machine offers one (it says so where it does not).
#include <cstdint>
#include <cstdio>

#include "sutro/energy/rapl.hpp"
#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/reuse_distance.hpp"

int main() {
  // The brief's example trace a b b c a: distances -, -, 1, -, 3.
  sutro::metrics::reuse_distance small;
  for (std::uint64_t k : {0, 1, 1, 2, 0}) std::printf("%llu ", static_cast<unsigned long long>(small.access(k)));
  std::printf(" (0 = cold)\n");

  // Naive i-j-k on n x n, C in a register, reads B[k][j] then A[i][k], run twice.
  const std::uint64_t n = 32;
  sutro::metrics::reuse_distance rd;  // cold accesses counted apart
  for (int pass = 0; pass < 2; ++pass)
    for (std::uint64_t i = 0; i < n; ++i)
      for (std::uint64_t j = 0; j < n; ++j)
        for (std::uint64_t k = 0; k < n; ++k) {
          rd.access(n * n + k * n + j);  // B
          rd.access(i * n + k);          // A
        }
  std::printf("accesses %llu, cold %llu, DMD %.1f, mean reuse distance %.1f, mean reuse time %.1f\n",
              static_cast<unsigned long long>(rd.accesses()), static_cast<unsigned long long>(rd.cold_accesses()),
              rd.dmd(), rd.mean_reuse_distance(), rd.mean_reuse_time());
  for (std::uint64_t c : {16, 64, 1024, 1100, 2048})
    std::printf("  LRU cache of %4llu elements: miss ratio %.4f\n", static_cast<unsigned long long>(c),
                rd.miss_ratio(c));

  const auto h = sutro::metrics::hierarchy::pebble_game();
  const auto e = h.apply(rd);
  for (const auto& t : e.tiers)
    std::printf("  %-8s %8llu accesses %.3e J\n", t.name.c_str(), static_cast<unsigned long long>(t.accesses),
                t.joules);
  std::printf("  estimated total %.3e J\n", e.total_joules);

  sutro::energy::rapl_meter meter;
  meter.start();
  const auto r = meter.stop();
  if (r.available)
    std::printf("measured: %.6f J in %.6f s\n", r.joules, r.seconds);
  else
    std::printf("measured: not available: %s\n", r.message.c_str());
  return rd.accesses() == 4 * n * n * n ? 0 : 1;
}
