// PLUQ, the column rank profile and the left and right kernels against the
// bit-by-bit reference, on random and structured inputs, on both backends.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {

template <class B>
using Mat = gf2::matrix<B>;

/// A named input of a given shape.
template <class B>
struct input {
  std::string name;
  Mat<B> a;
};

// Low rank: (m x k)(k x n); blocks: random columns and rows copied or zeroed.
template <class B>
std::vector<input<B>> inputs(std::size_t m, std::size_t n, std::uint64_t seed) {
  using M = Mat<B>;
  std::vector<input<B>> out;
  out.push_back({"random", M::random(m, n, seed)});
  out.push_back({"zero", M(m, n)});
  M id(m, n);
  for (std::size_t i = 0; i < std::min(m, n); ++i) id.set(i, i, true);
  out.push_back({"identity", id});
  for (std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{40}})
    out.push_back({"rank <= " + std::to_string(k), M::random(m, k, seed + k) * M::random(k, n, seed + 2 * k)});
  // Zero left columns, a repeated row band and columns that copy earlier ones.
  M blocks = M::random(m, n, seed + 5);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < std::min<std::size_t>(n, 70); ++j) blocks.set(i, j, false);
    for (std::size_t j = 0; j + 100 < n && j < 64; ++j) blocks.set(i, j + 100, blocks(i, j + 75 < n ? j + 75 : j));
  }
  for (std::size_t i = m / 2; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) blocks.set(i, j, blocks(i - m / 2, j));
  out.push_back({"rank-deficient blocks", blocks});
  return out;
}

template <class B>
void check_pluq(std::uint64_t seed) {
  using M = Mat<B>;
  const std::vector<std::size_t> sizes{0, 1, 63, 64, 65, 130, 300};
  for (std::size_t m : sizes)
    for (std::size_t n : sizes)
      for (const auto& [name, a] : inputs<B>(m, n, seed + 7 * m + n)) {
        INFO("backend " << B::name << ", " << m << "x" << n << " " << name);
        const auto ra = gf2ref::of(a);
        const auto [ref_form, ref_pivots] = gf2ref::echelon(ra, true);
        const auto f = gf2::pluq(a);
        const std::size_t r = f.rank;
        REQUIRE(r == ref_pivots.size());
        REQUIRE(std::vector<std::size_t>(f.pivots().begin(), f.pivots().end()) == ref_pivots);
        REQUIRE(f.l.rows() == m);
        REQUIRE(f.l.cols() == r);
        REQUIRE(f.u.rows() == r);
        REQUIRE(f.u.cols() == n);
        // Unit lower / upper trapezoidal.
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = i; j < r; ++j) REQUIRE(f.l(i, j) == (i == j));
        for (std::size_t i = 0; i < r; ++i)
          for (std::size_t j = 0; j <= i; ++j) REQUIRE(f.u(i, j) == (i == j));
        // Q: the profile, then the other columns in order.
        std::vector<bool> seen(n, false);
        for (std::size_t j = 0; j < n; ++j) seen.at(f.col_perm[j]) = true;
        for (std::size_t j = 0; j < n; ++j) REQUIRE(seen[j]);
        for (std::size_t j = r + 1; j < n; ++j) REQUIRE(f.col_perm[j - 1] < f.col_perm[j]);
        // P A Q = L U.
        const M paq = gf2::permute_columns(gf2::permute_rows(a, f.row_perm), f.col_perm);
        REQUIRE(gf2ref::of(paq) == gf2ref::mul(gf2ref::of(f.l), gf2ref::of(f.u)));
        // Kernels: right (columns) and left (rows), full rank, annihilating.
        const M k = gf2::right_kernel(f);
        REQUIRE(k.rows() == n);
        REQUIRE(k.cols() == n - r);
        const auto rk = gf2ref::of(k);
        REQUIRE(gf2ref::rank(rk) == n - r);
        const auto ak = gf2ref::mul(ra, rk);
        for (auto v : ak.v) REQUIRE(v == 0);
        const M y = gf2::left_kernel(f);
        REQUIRE(y.rows() == m - r);
        REQUIRE(y.cols() == m);
        const auto ry = gf2ref::of(y);
        REQUIRE(gf2ref::rank(ry) == m - r);
        const auto ya = gf2ref::mul(ry, ra);
        for (auto v : ya.v) REQUIRE(v == 0);
        // The reduced form from the decomposition's U: U1^-1 U, columns put back.
        if (r != 0) {
          const M u1 = gf2::detail::columns(f.u, r, 0, r);
          std::vector<std::size_t> back(n);
          for (std::size_t j = 0; j < n; ++j) back[f.col_perm[j]] = j;
          const M rref = gf2::permute_columns(gf2::solve_upper_triangular(u1, f.u), back);
          auto want = ref_form;
          want.rows = r;
          want.v.resize(r * n);
          REQUIRE(gf2ref::of(rref) == want);
        }
      }
}

}  // namespace

TEST_CASE("gf2 PLUQ, rank profile and kernels match the reference", "[gf2]") {
  check_pluq<sutro::scalar>(1);
  check_pluq<sutro::simd>(2);
}

TEST_CASE("gf2 PLUQ of a window and the kernel overloads on matrices", "[gf2]") {
  using M = Mat<sutro::simd>;
  const M big = M::random(200, 300, 9);
  const auto w = big.window(gf2::row_range{10, 190}, gf2::col_range{64, 300});
  const auto f = gf2::pluq(w);
  REQUIRE(f.rank == gf2ref::rank(gf2ref::of(w)));
  const M k = gf2::right_kernel(w), y = gf2::left_kernel(w);
  REQUIRE((w.to_matrix() * k).weight() == 0);
  REQUIRE((y * w.to_matrix()).weight() == 0);
  REQUIRE_THROWS_AS(gf2::permute_columns(big, std::vector<std::size_t>(3)), std::invalid_argument);
}
