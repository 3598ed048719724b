// Triangular solves: against the bit-by-bit reference and against the
// product (L X == B) on sizes that exercise the blocked simd recursion, and
// their errors.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {
/// Lower (or upper) triangular with a diagonal of ones.
template <class B>
gf2::matrix<B> triangular(std::size_t n, bool lower, std::uint64_t seed) {
  auto t = gf2::matrix<B>::random(n, n, seed);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (i == j)
        t.set(i, j, true);
      else if (lower ? j > i : j < i)
        t.set(i, j, false);
  return t;
}

template <class B>
void check_against_product(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  using V = gf2::vector<B>;
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 200u, 256u, 257u, 300u, 700u}) {
    const M l = triangular<B>(n, true, seed + n), u = triangular<B>(n, false, seed + n + 1);
    for (std::size_t k : {0u, 1u, 64u, 130u}) {
      INFO("backend " << B::name << ", " << n << "x" << n << " by " << n << "x" << k);
      const M b = M::random(n, k, seed + k);
      const M x = gf2::solve_lower_triangular(l, b);
      REQUIRE(l * x == b);
      const M y = gf2::solve_upper_triangular(u, b);
      REQUIRE(u * y == b);
      if (n <= 300) {
        REQUIRE(gf2ref::of(x) == gf2ref::triangular_solve(gf2ref::of(l), gf2ref::of(b), true));
        REQUIRE(gf2ref::of(y) == gf2ref::triangular_solve(gf2ref::of(u), gf2ref::of(b), false));
      }
      REQUIRE(gf2::solve_lower_triangular(l, b, 2) == x);
      const V bv = V::random(n, seed + 3);
      REQUIRE(l * gf2::solve_lower_triangular(l, bv) == bv);
      REQUIRE(u * gf2::solve_upper_triangular(u, bv) == bv);
    }
  }
}
}  // namespace

TEST_CASE("gf2 triangular solves: L X == B and U X == B, both backends", "[gf2][triangular]") {
  check_against_product<sutro::scalar>(1);
  check_against_product<sutro::simd>(2);
}

TEST_CASE("gf2 triangular solves on several threads equal one thread's", "[gf2][triangular][threads]") {
  // Large enough for a team of its own: X's columns split into 512-bit
  // groups, the last share ragged.
  using M = gf2::matrix<sutro::simd>;
  const std::size_t n = 2100, k = 2050;
  const M l = triangular<sutro::simd>(n, true, 5), u = triangular<sutro::simd>(n, false, 6);
  const M b = M::random(n, k, 7);
  const M x = gf2::solve_lower_triangular(l, b, 1), y = gf2::solve_upper_triangular(u, b, 1);
  REQUIRE(l * x == b);
  REQUIRE(u * y == b);
  for (unsigned threads : {2u, 3u}) {
    INFO("threads " << threads);
    REQUIRE(gf2::solve_lower_triangular(l, b, threads) == x);
    REQUIRE(gf2::solve_upper_triangular(u, b, threads) == y);
  }
}

TEST_CASE("gf2 triangular solves read only their triangle and accept windows", "[gf2][triangular]") {
  using M = gf2::matrix<>;
  const M full = M::random(200, 200, 9);
  M l = full, u = full;
  for (std::size_t i = 0; i < 200; ++i) {
    l.set(i, i, true), u.set(i, i, true);
    for (std::size_t j = 0; j < 200; ++j) {
      if (j > i) l.set(i, j, false);
      if (j < i) u.set(i, j, false);
    }
  }
  M noisy = full;
  for (std::size_t i = 0; i < 200; ++i) noisy.set(i, i, true);
  const M b = M::random(200, 70, 10);
  CHECK(gf2::solve_lower_triangular(noisy, b) == gf2::solve_lower_triangular(l, b));
  CHECK(gf2::solve_upper_triangular(noisy, b) == gf2::solve_upper_triangular(u, b));
  // A window as the triangle and as the right-hand side.
  M lw = M::random(300, 200, 11);
  lw.window(gf2::row_range{50, 250}, gf2::col_range{0, 200}).assign(l);
  CHECK(gf2::solve_lower_triangular(lw.window(gf2::row_range{50, 250}, gf2::col_range{0, 200}),
                                    b.window(gf2::row_range{0, 200}, gf2::col_range{0, 64})) ==
        gf2::solve_lower_triangular(l, gf2::copy_of(b.window(gf2::row_range{0, 200}, gf2::col_range{0, 64}))));
}

TEST_CASE("gf2 triangular solves: errors name the row or the shapes", "[gf2][triangular]") {
  using M = gf2::matrix<>;
  using V = gf2::vector<>;
  M l = M::identity(70);
  l.set(66, 66, false);
  try {
    (void)gf2::solve_lower_triangular(l, M(70, 3));
    FAIL("no exception");
  } catch (const std::domain_error& e) {
    CHECK(std::string(e.what()).find("row 66") != std::string::npos);
  }
  CHECK_THROWS_AS(gf2::solve_upper_triangular(l, V(70)), std::domain_error);
  try {
    (void)gf2::solve_upper_triangular(M::identity(4), M(5, 2));
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("4x4") != std::string::npos);
    CHECK(std::string(e.what()).find("5x2") != std::string::npos);
  }
  try {
    (void)gf2::solve_lower_triangular(M(3, 4), M(3, 1));
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("3x4") != std::string::npos);
  }
  CHECK_THROWS_AS(gf2::solve_lower_triangular(M::identity(4), V(3)), std::invalid_argument);
  CHECK(gf2::solve_lower_triangular(M(0, 0), M(0, 5)).cols() == 5);
}
