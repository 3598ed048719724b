// The inverse of large matrices through the PLE and two triangular solves
// (simd backend from inverse_ple_min): A A^-1 = A^-1 A = I, the same matrix as
// the reduced echelon form of [A | I] gives, and singular inputs refused with
// their rank.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {
using DM = gf2::matrix<sutro::simd>;

// L U with L unit lower and U unit upper triangular, both random: invertible.
DM invertible(std::size_t n, std::uint64_t seed) {
  DM l = DM::random(n, n, seed), u = DM::random(n, n, seed + 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (j > i) l.set(i, j, false);
      if (j < i) u.set(i, j, false);
    }
  for (std::size_t i = 0; i < n; ++i) l.set(i, i, true), u.set(i, i, true);
  return l * u;
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
