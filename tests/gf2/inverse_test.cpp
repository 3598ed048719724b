// The inverse of large matrices through the PLE, the inverse of L and a
// triangular solve (simd backend from inverse_ple_min): A A^-1 = A^-1 A = I,
// the same matrix as the reduced echelon form of [A | I] gives, and singular
// inputs refused with their rank. The inverse of L against the solve L Y = I.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {
using DM = gf2::matrix<sutro::simd>;

// P L U with L unit lower and U unit upper triangular, both random, and P a
// random row permutation (so the PLE's is not the identity): invertible.
DM invertible(std::size_t n, std::uint64_t seed) {
  DM l = DM::random(n, n, seed), u = DM::random(n, n, seed + 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (j > i) l.set(i, j, false);
      if (j < i) u.set(i, j, false);
    }
  for (std::size_t i = 0; i < n; ++i) l.set(i, i, true), u.set(i, i, true);
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), std::size_t{0});
  std::shuffle(perm.begin(), perm.end(), std::mt19937_64(seed));
  return gf2::permute_rows(l * u, perm);
}

// Unit lower triangular, with random bits above the diagonal (to be ignored).
template <class M>
M unit_lower_with_noise(std::size_t n, std::uint64_t seed) {
  M l = M::random(n, n, seed);
  for (std::size_t i = 0; i < n; ++i) l.set(i, i, true);
  return l;
}

template <class M>
M lower_part(const M& l) {
  M out(l.rows(), l.cols());
  for (std::size_t i = 0; i < l.rows(); ++i)
    for (std::size_t j = 0; j <= i && j < l.cols(); ++j) out.set(i, j, l(i, j));
  return out;
}
}  // namespace

TEST_CASE("gf2 inverse of large matrices through PLE and triangular solves", "[gf2]") {
  static_assert(gf2::inverse_ple_min <= 4096);
  for (std::size_t n : {std::size_t{4096}, std::size_t{4161}}) {
    INFO("n = " << n);
    const DM a = invertible(n, n);
    const DM inv = gf2::inverse(a);
    const DM id = DM::identity(n);
    REQUIRE(a * inv == id);
    REQUIRE(inv * a == id);
    REQUIRE(gf2::inverse(a, 2) == inv);  // the PLE, the solve and the products on a team
    // The [A | I] elimination, the path below inverse_ple_min, on the same matrix.
    auto aug = gf2::detail::hcat(a, id);
    const auto info = gf2::kernels::echelonize(sutro::simd{}, aug.block(), true, n, 1);
    REQUIRE(info.rank == n);
    REQUIRE(gf2::detail::columns(aug, n, n, 2 * n) == inv);
  }
  DM s = invertible(4100, 9);
  for (std::size_t j = 0; j < s.cols(); ++j) s.set(4099, j, s(17, j) != s(2000, j));  // row 4099 = row 17 + row 2000
  try {
    (void)gf2::inverse(s);
    FAIL("no exception");
  } catch (const std::domain_error& e) {
    REQUIRE(std::string(e.what()) == "sutro::gf2::inverse: the 4100x4100 matrix is singular (rank 4099)");
  }
}

TEST_CASE("gf2 lower_inverse equals the solve L Y = I and recurses at odd sizes", "[gf2]") {
  for (std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65},
        gf2::detail::lower_inverse_base, gf2::detail::lower_inverse_base + 1, std::size_t{2113}, std::size_t{3001}}) {
    INFO("n = " << n);
    const DM l = unit_lower_with_noise<DM>(n, 3 * n + 1);
    const DM want = gf2::solve_lower_triangular(l, DM::identity(n));
    for (unsigned threads : {1u, 2u}) {
      DM y(n, n);
      gf2::detail::lower_inverse(sutro::simd{}, y.block(), l.block(), threads);
      REQUIRE(y == want);
    }
    if (n <= 200 || n == gf2::detail::lower_inverse_base + 1) {  // the scalar backend on its own kernels
      using SM = gf2::matrix<sutro::scalar>;
      const SM ls = unit_lower_with_noise<SM>(n, 3 * n + 1);
      SM ys(n, n);
      gf2::detail::lower_inverse(sutro::scalar{}, ys.block(), ls.block(), 1);
      REQUIRE(lower_part(ls) * ys == SM::identity(n));
    }
  }
}
