// Every operation against the bit-by-bit reference, on both backends.
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {
const std::vector<std::size_t> kSizes{0, 1, 2, 63, 64, 65, 127, 128, 129, 200};

template <class B>
using Mat = gf2::matrix<B>;

template <class B>
void check_basic_ops(std::uint64_t seed) {
  using M = Mat<B>;
  for (std::size_t m : kSizes)
    for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{65}, std::size_t{129}})
      for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{130}}) {
        INFO("backend " << B::name << ", " << m << "x" << k << " times " << k << "x" << n);
        M a = M::random(m, k, seed + 13 * m + 7 * k + n);
        M b = M::random(k, n, seed + 5 * m + 11 * k + 3 * n + 1);
        const auto ra = gf2ref::of(a), rb = gf2ref::of(b);
        REQUIRE(gf2ref::of(a * b) == gf2ref::mul(ra, rb));
        M c = M::random(m, n, seed + 99);
        const auto rc = gf2ref::of(c);
        gf2::mul_add(c, a, b);
        REQUIRE(gf2ref::of(c) == gf2ref::add(rc, gf2ref::mul(ra, rb)));
        REQUIRE(gf2ref::of(gf2::transpose(a)) == gf2ref::transpose(ra));
        M a2 = M::random(m, k, seed + 1000 + m);
        REQUIRE(gf2ref::of(a + a2) == gf2ref::add(ra, gf2ref::of(a2)));
      }
}

template <class B>
void check_vectors(std::uint64_t seed) {
  using M = Mat<B>;
  using V = gf2::vector<B>;
  for (std::size_t m : kSizes)
    for (std::size_t n : kSizes) {
      M a = M::random(m, n, seed + 31 * m + n);
      V x = V::random(n, seed + m + 77 * n);
      V z = V::random(m, seed + m + 78 * n);
      M xm(n, 1), zm(1, m);
      for (std::size_t j = 0; j < n; ++j) xm.set(j, 0, x[j]);
      for (std::size_t j = 0; j < m; ++j) zm.set(0, j, z[j]);
      const auto ax = gf2ref::mul(gf2ref::of(a), gf2ref::of(xm));
      const auto za = gf2ref::mul(gf2ref::of(zm), gf2ref::of(a));
      V y = a * x, w = z * a;
      REQUIRE(y.size() == m);
      REQUIRE(w.size() == n);
      for (std::size_t i = 0; i < m; ++i) REQUIRE(y[i] == (ax.at(i, 0) != 0));
      for (std::size_t j = 0; j < n; ++j) REQUIRE(w[j] == (za.at(0, j) != 0));
    }
}

template <class B>
void check_elimination(std::uint64_t seed) {
  using M = Mat<B>;
  for (std::size_t m : kSizes)
    for (std::size_t n : kSizes) {
      INFO("backend " << B::name << ", " << m << "x" << n);
      // Dense, and low rank (product of thin factors) so that pivots skip columns.
      const std::size_t r = (m + n) / 8;
      const std::array<M, 2> inputs{M::random(m, n, seed + m * 1000 + n),
                                    M::random(m, r, seed + 1 + n) * M::random(r, n, seed + 2 + m)};
      for (const M& a : inputs) {
        const auto ra = gf2ref::of(a);
        auto [ref, ref_pivots] = gf2ref::echelon(ra, true);
        auto [e, info] = gf2::reduced_row_echelon(a);
        REQUIRE(gf2ref::of(e) == ref);
        REQUIRE(info.pivots == ref_pivots);
        REQUIRE(info.rank == ref_pivots.size());
        REQUIRE(gf2::rank(a) == ref_pivots.size());
        auto [ref2, ref2_pivots] = gf2ref::echelon(ra, false);
        auto [e2, info2] = gf2::row_echelon(a);
        REQUIRE(gf2ref::of(e2) == ref2);
        REQUIRE(info2.pivots == ref2_pivots);

        auto f = gf2::ple(a);
        REQUIRE(f.rank == info.rank);
        REQUIRE(f.pivots == info.pivots);
        REQUIRE(f.l.rows() == m);
        REQUIRE(f.l.cols() == f.rank);
        REQUIRE(f.e.rows() == f.rank);
        REQUIRE(gf2::permute_rows(a, f.perm) == f.l * f.e);
        for (std::size_t i = 0; i < f.rank; ++i) {
          REQUIRE(f.l(i, i));
          for (std::size_t j = i + 1; j < f.rank; ++j) REQUIRE(!f.l(i, j));
        }
        REQUIRE(gf2ref::of(f.e) == gf2ref::of(e2.window(gf2::row_range{0, f.rank}, gf2::col_range{0, n})));

        M k = gf2::kernel(a);
        REQUIRE(k.rows() == n);
        REQUIRE(k.cols() == n - info.rank);
        REQUIRE((a * k).weight() == 0);
        REQUIRE(gf2::rank(k) == k.cols());
      }
    }
}

template <class B>
void check_solve(std::uint64_t seed) {
  using M = Mat<B>;
  using V = gf2::vector<B>;
  for (std::size_t m : kSizes)
    for (std::size_t n : kSizes) {
      INFO("backend " << B::name << ", " << m << "x" << n);
      M a = M::random(m, n, seed + 3 * m + 5 * n);
      // A consistent right-hand side, and a random one.
      V b1 = a * V::random(n, seed + 9);
      auto s1 = gf2::solve(a, b1);
      REQUIRE(s1.consistent);
      REQUIRE(a * s1.solution == b1);
      REQUIRE(s1.nullspace.cols() == n - gf2::rank(a));
      REQUIRE((a * s1.nullspace).weight() == 0);
      V b2 = V::random(m, seed + 10);
      auto s2 = gf2::solve(a, b2);
      M ab(m, n + 1);
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) ab.set(i, j, a(i, j));
        ab.set(i, n, b2[i]);
      }
      REQUIRE(s2.consistent == (gf2::rank(ab) == gf2::rank(a)));
      if (s2.consistent) REQUIRE(a * s2.solution == b2);
      // A X = B with several columns.
      M x = M::random(n, 3, seed + 11);
      M bx = a * x;
      auto s3 = gf2::solve(a, bx);
      REQUIRE(s3.consistent);
      REQUIRE(a * s3.solution == bx);
    }
}
}  // namespace

TEST_CASE("gf2 add, mul, mul_add, transpose match the reference", "[gf2]") {
  check_basic_ops<sutro::scalar>(1);
  check_basic_ops<sutro::simd>(2);
}

TEST_CASE("gf2 matrix-vector and vector-matrix products match the reference", "[gf2]") {
  check_vectors<sutro::scalar>(3);
  check_vectors<sutro::simd>(4);
}

TEST_CASE("gf2 rank, echelon forms, PLE and kernel match the reference", "[gf2]") {
  check_elimination<sutro::scalar>(5);
  check_elimination<sutro::simd>(6);
}

TEST_CASE("gf2 solve: solutions, inconsistency, nullspace", "[gf2]") {
  check_solve<sutro::scalar>(7);
  check_solve<sutro::simd>(8);
  using M = gf2::matrix<>;
  using V = gf2::vector<>;
  auto s = gf2::solve(M::from_rows({"11", "11"}), V::from_string("10"));
  CHECK(!s.consistent);
  auto t = gf2::solve(M::from_rows({"110", "011"}), V::from_string("10"));
  CHECK(t.consistent);
  CHECK(t.nullspace == M::from_rows({"1", "1", "1"}));
}

TEST_CASE("gf2 inverse, and a clear error when singular", "[gf2]") {
  using M = gf2::matrix<>;
  for (std::size_t n : {1u, 2u, 63u, 64u, 65u, 129u}) {
    // L U with unit triangular factors is always invertible.
    M l = M::random(n, n, n), u = M::random(n, n, n + 1);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        if (j > i) l.set(i, j, false);
        if (j < i) u.set(i, j, false);
        if (i == j) l.set(i, i, true), u.set(i, i, true);
      }
    M a = l * u;
    M inv = gf2::inverse(a);
    CHECK(a * inv == M::identity(n));
    CHECK(inv * a == M::identity(n));
  }
  CHECK(gf2::inverse(M(0, 0)).rows() == 0);
  M sing = M::from_rows({"110", "011", "101"});
  try {
    (void)gf2::inverse(sing);
    FAIL("no exception");
  } catch (const std::domain_error& e) {
    CHECK(std::string(e.what()).find("singular") != std::string::npos);
    CHECK(std::string(e.what()).find("rank 2") != std::string::npos);
  }
}
