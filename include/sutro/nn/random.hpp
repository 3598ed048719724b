#pragma once
// Portable seeded draws over std::mt19937_64 (whose output the standard fixes),
// unlike std::*_distribution whose results differ between standard libraries:
// the same seed gives the same network and the same shuffles everywhere.
//
//   std::mt19937_64 rng(42);
//   double u = sutro::nn::uniform01(rng);          // [0, 1)
//   double z = sutro::nn::standard_normal(rng);    // N(0, 1), Box-Muller
//   std::size_t i = sutro::nn::uniform_index(rng, 10);  // 0..9, unbiased

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>

namespace sutro::nn {

inline double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

inline double standard_normal(std::mt19937_64& rng) {
  double u1 = 0.0;
  while (u1 == 0.0) u1 = uniform01(rng);
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

/// Uniform in [0, n) by rejection, n > 0.
inline std::size_t uniform_index(std::mt19937_64& rng, std::size_t n) {
  const auto range = static_cast<std::uint64_t>(n);
  for (;;) {
    const std::uint64_t r = rng();
    // limit >= 2^64 - range, so its division is needed only above that (the
    // same draws as computing it every time, one division fewer).
    if (r <= ~std::uint64_t{0} - range + 1) return static_cast<std::size_t>(r % range);
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % range + 1) % range;
    if (r <= limit) return static_cast<std::size_t>(r % range);
  }
}

}  // namespace sutro::nn
