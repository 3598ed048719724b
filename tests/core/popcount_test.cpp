#include <bit>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "support/random.hpp"
#include "sutro/bits/popcount.hpp"

namespace {
// The simplest possible reference: bit by bit.
std::uint64_t reference_xor_popcount(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int bit = 0; bit < 64; ++bit) count += ((a[i] >> bit) ^ (b[i] >> bit)) & 1u;
  return count;
}
}  // namespace

TEST_CASE("xor_popcount: scalar matches the bit-by-bit reference", "[bits]") {
  for (std::size_t n : {0u, 1u, 2u, 63u, 64u, 65u, 257u}) {
    auto a = sutro::testing::random_words(n, 1 + n);
    auto b = sutro::testing::random_words(n, 1000 + n);
    CHECK(sutro::bits::xor_popcount(sutro::scalar{}, a, b) == reference_xor_popcount(a, b));
  }
}

TEST_CASE("xor_popcount and and_popcount: simd == scalar for every length 0..1000", "[bits][simd]") {
  for (std::size_t n = 0; n <= 1000; ++n) {
    auto a = sutro::testing::random_words(n, 2 * n + 1);
    auto b = sutro::testing::random_words(n, 2 * n + 2);
    INFO("n = " << n);
    REQUIRE(sutro::bits::xor_popcount(sutro::simd{}, a, b) == sutro::bits::xor_popcount(sutro::scalar{}, a, b));
    REQUIRE(sutro::bits::and_popcount(sutro::simd{}, a, b) == sutro::bits::and_popcount(sutro::scalar{}, a, b));
  }
}

TEST_CASE("popcount kernels are exact on extreme words", "[bits][simd]") {
  // All-ones words drive every carry-save counter to its maximum.
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 128u, 129u, 4096u, 4099u}) {
    std::vector<std::uint64_t> ones(n, ~std::uint64_t{0}), zeros(n, 0);
    CHECK(sutro::bits::xor_popcount(sutro::simd{}, ones, zeros) == 64 * n);
    CHECK(sutro::bits::and_popcount(sutro::simd{}, ones, ones) == 64 * n);
    CHECK(sutro::bits::and_popcount(sutro::simd{}, ones, zeros) == 0);
    CHECK(sutro::bits::xor_popcount(sutro::default_backend{}, ones, ones) == 0);
  }
}

TEST_CASE("and_popcount's low bit is the GF(2) dot product", "[bits]") {
  std::vector<std::uint64_t> a{0b1011}, b{0b0011};
  CHECK((sutro::bits::and_popcount(sutro::scalar{}, a, b) & 1u) == 0);  // two common bits
  b[0] = 0b0001;
  CHECK((sutro::bits::and_popcount(sutro::scalar{}, a, b) & 1u) == 1);
}

TEST_CASE("popcount reductions reject spans of different lengths", "[bits]") {
  std::vector<std::uint64_t> a(3), b(4);
  CHECK_THROWS_AS(sutro::bits::xor_popcount(sutro::simd{}, a, b), std::invalid_argument);
  CHECK_THROWS_WITH(sutro::bits::and_popcount(sutro::scalar{}, a, b),
                    "sutro::bits::and_popcount: spans differ in length (3 and 4 words)");
}

#if defined(SUTRO_HAS_XSIMD) && XSIMD_WITH_AVX2 && XSIMD_WITH_SSE2
TEST_CASE("a simd tag pinned to a weaker architecture gives the same answer", "[bits][simd]") {
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 999u}) {
    auto a = sutro::testing::random_words(n, 5 * n + 1);
    auto b = sutro::testing::random_words(n, 5 * n + 2);
    const auto expected = sutro::bits::xor_popcount(sutro::scalar{}, a, b);
    CHECK(sutro::bits::xor_popcount(sutro::simd_on<xsimd::avx2>{}, a, b) == expected);
    CHECK(sutro::bits::xor_popcount(sutro::simd_on<xsimd::sse2>{}, a, b) == expected);
  }
}
#endif
