#pragma once
// Seeded random data for tests: every failure is reproducible from its seed.
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace sutro::testing {

inline std::vector<std::uint64_t> random_words(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::uint64_t> words(n);
  for (auto& w : words) w = rng();
  return words;
}

}  // namespace sutro::testing
