// Algebraic identities on random inputs, default backend.
#include <cstddef>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;
using M = gf2::matrix<>;
using V = gf2::vector<>;

TEST_CASE("gf2 algebraic properties", "[gf2]") {
  const std::size_t sizes[] = {0, 1, 63, 64, 65, 127, 128, 129, 300};
  std::uint64_t seed = 1;
  for (std::size_t m : sizes)
    for (std::size_t k : sizes)
      for (std::size_t n : {std::size_t{1}, std::size_t{64}, std::size_t{129}}) {
        INFO(m << "x" << k << " times " << k << "x" << n);
        M a = M::random(m, k, ++seed), b = M::random(k, n, ++seed), c = M::random(k, n, ++seed);
        REQUIRE(a * (b + c) == a * b + a * c);                                    // distributive
        REQUIRE(gf2::transpose(a * b) == gf2::transpose(b) * gf2::transpose(a));  // (AB)^T = B^T A^T
        REQUIRE(gf2::rank(a) == gf2::rank(gf2::transpose(a)));
        REQUIRE((a * gf2::kernel(a)).weight() == 0);
        REQUIRE(gf2::transpose(gf2::transpose(a)) == a);
        V x = V::random(k, ++seed);
        auto s = gf2::solve(a, a * x);
        REQUIRE(s.consistent);
        REQUIRE(a * s.solution == a * x);
        REQUIRE(x * gf2::transpose(a) == a * x);  // vector-matrix vs matrix-vector
      }
}

TEST_CASE("gf2 rank of a product of random rank-r factors is r", "[gf2]") {
  // Random m x r and r x n factors have full rank r with high probability when
  // r is well below m and n; the seeds here are fixed, and the check is exact.
  std::uint64_t seed = 100;
  for (std::size_t r : {0u, 1u, 10u, 63u, 64u, 65u, 200u})
    for (std::size_t extra : {20u, 100u}) {
      const std::size_t m = r + extra, n = r + extra + 7;
      M f = M::random(m, r, ++seed), g = M::random(r, n, ++seed);
      REQUIRE(gf2::rank(f) == r);
      REQUIRE(gf2::rank(g) == r);
      CHECK(gf2::rank(f * g) == r);
    }
}

TEST_CASE("gf2 inverse of random invertible matrices", "[gf2]") {
  std::uint64_t seed = 500;
  std::size_t found = 0;
  for (std::size_t n : {1u, 5u, 64u, 65u, 200u, 300u})
    for (int attempt = 0; attempt < 20; ++attempt) {
      M a = M::random(n, n, ++seed);
      if (gf2::rank(a) != n) {
        CHECK_THROWS_AS(gf2::inverse(a), std::domain_error);
        continue;
      }
      ++found;
      M inv = gf2::inverse(a);
      REQUIRE(a * inv == M::identity(n));
      REQUIRE(inv * a == M::identity(n));
      REQUIRE(gf2::inverse(inv) == a);
    }
  CHECK(found > 20);
}
