// Tracing a kernel through an accessor policy: the kernel is written once
// against a view; with default_accessor it is plain memory access, with
// recording_accessor every element read and write goes into a trace.
#include <cstdio>
#include <vector>

#include "sutro/memory/accessor.hpp"
#include "sutro/metrics/summary.hpp"

namespace mem = sutro::memory;

// y += a * x over any view type.
template <class V>
void axpy(float a, const V& x, const V& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += a * x[i];
}

int main() {
  std::vector<float> x(4096, 1.0f), y(4096, 0.0f);

  // Untraced: a view with the default accessor (reference = float&).
  axpy(2.0f, mem::view<float>(x.data(), x.size()), mem::view<float>(y.data(), y.size()));

  // Traced at 8-byte words: two adjacent floats share a word.
  mem::trace t({.unit = mem::granularity::word});
  auto tx = mem::recording_view(x.data(), x.size(), t), ty = mem::recording_view(y.data(), y.size(), t);
  for (int pass = 0; pass < 3; ++pass) axpy(2.0f, tx, ty);

  const auto m = sutro::metrics::summarize(t, "axpy x3, 8-byte words");
  std::printf(
      "%s: %llu reads, %llu writes, DMD %.0f, mean reuse distance %.1f, mean reuse time %.1f, "
      "estimated %.3e J\n",
      m.trace.c_str(), static_cast<unsigned long long>(m.reads), static_cast<unsigned long long>(m.writes), m.dmd,
      m.mean_reuse_distance, m.mean_reuse_time, m.energy.total_joules);
  return (y[0] == 8.0f && m.reads == 3 * 2 * 4096 && m.writes == 3 * 4096) ? 0 : 1;
}
