// Every operation against the bit-by-bit reference on a few thousand random
// shapes per backend: mostly small (the reference is cubic in bytes), biased
// to the word edges 0, 1, 63, 64, 65, 127, 128, 129, with tall and wide ones.
// Dense and low-rank inputs alternate so that pivots skip columns.
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {

constexpr int kShapes = 1500;  // per backend and test case

struct shapes {
  std::mt19937_64 rng;
  explicit shapes(std::uint64_t seed) : rng(seed) {}
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng() % n); }
  std::size_t dim() {
    static constexpr std::size_t edges[] = {0, 1, 2, 63, 64, 65, 127, 128, 129};
    const std::size_t u = pick(100);
    if (u < 25) return edges[pick(9)];
    if (u < 88) return pick(24);
    return pick(201);
  }
  /// rows x cols, one in five tall or wide.
  std::pair<std::size_t, std::size_t> shape() {
    const std::size_t u = pick(10);
    if (u == 0) return {dim() + 64 + pick(137), pick(6)};
    if (u == 1) return {pick(6), dim() + 64 + pick(137)};
    return {dim(), dim()};
  }
};

template <class B>
gf2::matrix<B> of(const gf2ref::dense& d) {
  return gf2::matrix<B>::from_bytes(d.rows, d.cols, std::span<const std::uint8_t>(d.v));
}
template <class B>
gf2ref::dense column(const gf2::vector<B>& v) {
  gf2ref::dense d(v.size(), 1);
  for (std::size_t i = 0; i < v.size(); ++i) d.at(i, 0) = v[i] ? 1 : 0;
  return d;
}

/// Dense on even draws, else a product of thin random factors (low rank).
template <class B>
gf2::matrix<B> input(std::size_t m, std::size_t n, std::uint64_t seed) {
  using M = gf2::matrix<B>;
  if (seed % 2 == 0) return M::random(m, n, seed);
  const std::size_t r = (m + n) / 6;
  return M::random(m, r, seed) * M::random(r, n, seed + 1);
}

template <class B>
void products(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  using V = gf2::vector<B>;
  shapes g(seed);
  for (int it = 0; it < kShapes; ++it) {
    const auto [m, k] = g.shape();
    const std::size_t n = g.pick(4) == 0 ? g.pick(3) : g.dim();
    INFO("backend " << B::name << ", " << m << "x" << k << " times " << k << "x" << n);
    const std::uint64_t s = seed * 100003 + static_cast<std::uint64_t>(it) * 7;
    const M a = M::random(m, k, s), a2 = M::random(m, k, s + 1), b = M::random(k, n, s + 2);
    const M c0 = M::random(m, n, s + 3);
    const auto ra = gf2ref::of(a), rb = gf2ref::of(b), ab = gf2ref::mul(ra, rb);
    REQUIRE(gf2ref::of(a + a2) == gf2ref::add(ra, gf2ref::of(a2)));
    REQUIRE(gf2ref::of(a * b) == ab);
    M c = c0;
    gf2::mul_add(c, a, b);
    REQUIRE(gf2ref::of(c) == gf2ref::add(gf2ref::of(c0), ab));
    REQUIRE(gf2ref::of(gf2::transpose(a)) == gf2ref::transpose(ra));
    const V x = V::random(k, s + 4), z = V::random(m, s + 5);
    REQUIRE(column(a * x) == gf2ref::mul(ra, column(x)));
    REQUIRE(column(z * a) == gf2ref::transpose(gf2ref::mul(gf2ref::transpose(column(z)), ra)));
  }
}

template <class B>
void elimination(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  shapes g(seed);
  for (int it = 0; it < kShapes; ++it) {
    const auto [m, n] = g.shape();
    INFO("backend " << B::name << ", " << m << "x" << n << ", draw " << it);
    const M a = input<B>(m, n, seed * 100003 + static_cast<std::uint64_t>(it));
    const auto ra = gf2ref::of(a);
    const auto [rref, pivots] = gf2ref::echelon(ra, true);
    const auto [ref, pivots2] = gf2ref::echelon(ra, false);
    auto [e, info] = gf2::reduced_row_echelon(a);
    REQUIRE(gf2ref::of(e) == rref);
    REQUIRE(info.pivots == pivots);
    REQUIRE(info.rank == pivots.size());
    auto [e2, info2] = gf2::row_echelon(a);
    REQUIRE(gf2ref::of(e2) == ref);
    REQUIRE(info2.pivots == pivots2);
    REQUIRE(gf2::rank(a) == pivots.size());

    const auto f = gf2::ple(a);
    const auto rf = gf2ref::ple(ra);
    REQUIRE(f.perm == rf.perm);
    REQUIRE(gf2ref::of(f.l) == rf.l);
    REQUIRE(gf2ref::of(f.e) == rf.e);
    REQUIRE(f.pivots == pivots);
    REQUIRE(f.rank == pivots.size());

#if SUTRO_SIMD_ENABLED
    // The M4RI-style kernel itself, whatever size rule picks for this shape.
    if constexpr (std::is_same_v<B, sutro::simd>) {
      for (bool reduced : {false, true}) {
        M w = a;
        const auto got = gf2::kernels::echelonize_m4ri(sutro::simd{}, w.block(), reduced, n, 1, nullptr);
        REQUIRE(gf2ref::of(w) == (reduced ? rref : ref));
        REQUIRE(got.pivots == pivots);
      }
      M w = a, lfull(m, m);
      std::vector<std::size_t> perm(m);
      for (std::size_t i = 0; i < m; ++i) perm[i] = i;
      gf2::kernels::ple_sink sink{lfull.block(), perm.data()};
      const auto got = gf2::kernels::echelonize_m4ri(sutro::simd{}, w.block(), false, n, 1, &sink);
      REQUIRE(perm == rf.perm);
      REQUIRE(got.rank == f.rank);
      gf2ref::dense lpad(m, m);  // the reference L, and nothing right of the rank's columns
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < f.rank; ++j) lpad.at(i, j) = rf.l.at(i, j);
      REQUIRE(gf2ref::of(lfull) == lpad);
    }
#endif

    REQUIRE(gf2ref::of(gf2::kernel(a)) == gf2ref::nullspace(rref, pivots, n));
  }
}

template <class B>
void systems(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  using V = gf2::vector<B>;
  shapes g(seed);
  for (int it = 0; it < kShapes; ++it) {
    const auto [m, n] = g.shape();
    const std::size_t k = g.pick(5);
    INFO("backend " << B::name << ", A " << m << "x" << n << ", B with " << k << " columns, draw " << it);
    const std::uint64_t s = seed * 100003 + static_cast<std::uint64_t>(it) * 5;
    const M a = input<B>(m, n, s);
    const auto ra = gf2ref::of(a);
    // Random right-hand sides (often inconsistent) and consistent ones.
    for (const M& b : {M::random(m, k, s + 2), a * M::random(n, k, s + 3)}) {
      const auto want = gf2ref::solve(ra, gf2ref::of(b));
      const auto sol = gf2::solve(a, b);
      REQUIRE(sol.consistent == want.consistent);
      REQUIRE(gf2ref::of(sol.solution) == want.x);
      REQUIRE(gf2ref::of(sol.nullspace) == want.nullspace);
    }
    const V bv = it % 2 ? V::random(m, s + 4) : a * V::random(n, s + 4);
    const auto wantv = gf2ref::solve(ra, column(bv));
    const auto solv = gf2::solve(a, bv);
    REQUIRE(solv.consistent == wantv.consistent);
    REQUIRE(column(solv.solution) == wantv.x);
    REQUIRE(gf2ref::of(solv.nullspace) == wantv.nullspace);

    // Inverse of the square part: invertible about 30% of the time when dense.
    const std::size_t q = std::min(m, n);
    const M sq = input<B>(q, q, s + 6 + (it % 4 == 0));
    const auto inv = gf2ref::solve(gf2ref::of(sq), gf2ref::identity(q));
    if (inv.rank == q) {
      REQUIRE(gf2ref::of(gf2::inverse(sq)) == inv.x);
    } else {
      REQUIRE_THROWS_AS(gf2::inverse(sq), std::domain_error);
    }

    // Triangular solves: a random square matrix with its diagonal set; the
    // solvers read only their triangle, the reference likewise.
    M t = M::random(q, q, s + 7);
    for (std::size_t i = 0; i < q; ++i) t.set(i, i, true);
    const auto rt = gf2ref::of(t);
    const M bt = M::random(q, k, s + 8);
    const auto rbt = gf2ref::of(bt);
    REQUIRE(gf2ref::of(gf2::solve_lower_triangular(t, bt)) == gf2ref::triangular_solve(rt, rbt, true));
    REQUIRE(gf2ref::of(gf2::solve_upper_triangular(t, bt)) == gf2ref::triangular_solve(rt, rbt, false));
    const V btv = V::random(q, s + 9);
    REQUIRE(column(gf2::solve_lower_triangular(t, btv)) == gf2ref::triangular_solve(rt, column(btv), true));
    REQUIRE(column(gf2::solve_upper_triangular(t, btv)) == gf2ref::triangular_solve(rt, column(btv), false));
  }
}

}  // namespace

TEST_CASE("gf2 differential: add, products, mat-vec, vec-mat, transpose on random shapes", "[gf2][differential]") {
  products<sutro::scalar>(11);
  products<sutro::simd>(12);
}

TEST_CASE("gf2 differential: echelon forms, pivots, rank, PLE, kernel on random shapes", "[gf2][differential]") {
  elimination<sutro::scalar>(13);
  elimination<sutro::simd>(14);
}

TEST_CASE("gf2 differential: solve, nullspace, inverse, triangular solves on random shapes", "[gf2][differential]") {
  systems<sutro::scalar>(15);
  systems<sutro::simd>(16);
}
