// One templated function, every host backend: the dispatch pattern that the
// whole library uses. The same call runs the scalar reference kernel or the
// SIMD kernel depending on the tag, and both must agree bit for bit.
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "sutro/sutro.hpp"

template <sutro::backend Backend>
std::uint64_t hamming_distance(Backend tag, const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  return sutro::bits::xor_popcount(tag, a, b);
}

int main() {
  sutro::memory::stats counter;
  using words = std::vector<std::uint64_t, sutro::memory::accounting_allocator<std::uint64_t>>;
  std::mt19937_64 rng(2026);
  std::vector<std::uint64_t> a(100000), b(100000);
  for (auto& w : a) w = rng();
  for (auto& w : b) w = rng();

  const auto usage = sutro::memory::measure(
      [&] {
        words copy(a.begin(), a.end(), sutro::memory::accounting_allocator<std::uint64_t>{counter});
        std::printf("copy holds %zu words\n", copy.size());
      },
      counter);

  const std::uint64_t scalar = hamming_distance(sutro::scalar{}, a, b);
  const std::uint64_t simd = hamming_distance(sutro::simd{}, a, b);
  std::printf("hamming distance: scalar %llu, simd %llu (simd backend %s)\n", static_cast<unsigned long long>(scalar),
              static_cast<unsigned long long>(simd),
              sutro::backend_traits<sutro::simd>::available ? "compiled in" : "falls back to scalar");
  std::printf("the measured region allocated %llu bytes, peak %llu bytes\n",
              static_cast<unsigned long long>(usage.bytes_allocated),
              static_cast<unsigned long long>(usage.peak_bytes));
  return scalar == simd ? 0 : 1;
}
