// Cross-check against M4RI (Debian's libm4ri-dev) when pkg-config found it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

#if defined(SUTRO_TEST_HAVE_M4RI)
extern "C" {
#include <m4ri/m4ri.h>
}
#endif

namespace gf2 = sutro::gf2;
using M = gf2::matrix<>;

#if defined(SUTRO_TEST_HAVE_M4RI)
namespace {
mzd_t* to_m4ri(const M& a) {
  mzd_t* m = mzd_init(static_cast<rci_t>(a.rows()), static_cast<rci_t>(a.cols()));
  for (std::size_t i = 0; i < a.rows(); ++i)
    std::memcpy(mzd_row(m, static_cast<rci_t>(i)), a.row_ptr(i), a.words_used() * sizeof(gf2::word));
  return m;
}
M from_m4ri(const mzd_t* m) {
  M a(static_cast<std::size_t>(m->nrows), static_cast<std::size_t>(m->ncols));
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j)
      a.set(i, j, mzd_read_bit(m, static_cast<rci_t>(i), static_cast<rci_t>(j)) != 0);
  return a;
}
}  // namespace

TEST_CASE("gf2 agrees with M4RI: product, rank, reduced echelon form, transpose, inverse", "[gf2][m4ri]") {
  for (std::size_t n : {1u, 63u, 64u, 65u, 200u, 513u, 1024u, 2048u}) {
    INFO("n = " << n);
    const std::size_t m = n + n / 3 + 1;  // non-square too
    M a = M::random(m, n, n), b = M::random(n, n + 5, n + 1);
    mzd_t* ma = to_m4ri(a);
    mzd_t* mb = to_m4ri(b);
    mzd_t* mc = mzd_mul(nullptr, ma, mb, 0);
    CHECK(from_m4ri(mc) == a * b);
    mzd_t* mt = mzd_transpose(nullptr, ma);
    CHECK(from_m4ri(mt) == gf2::transpose(a));
    mzd_t* me = mzd_copy(nullptr, ma);
    const rci_t mrank = mzd_echelonize(me, 1);
    auto [e, info] = gf2::reduced_row_echelon(a);
    CHECK(static_cast<std::size_t>(mrank) == info.rank);
    CHECK(from_m4ri(me) == e);
    mzd_free(ma);
    mzd_free(mb);
    mzd_free(mc);
    mzd_free(mt);
    mzd_free(me);
  }
}
TEST_CASE("gf2 PLUQ agrees with M4RI's mzd_pluq: rank, column profile, reduced form, kernel", "[gf2][m4ri]") {
  std::uint64_t seed = 40;
  for (std::size_t n : {1u, 63u, 64u, 65u, 200u, 513u, 1030u})
    for (std::size_t m : {n, n / 2 + 1, 2 * n + 3})
      for (std::size_t k : {std::size_t{0}, std::size_t{5}, n / 3 + 1}) {  // 0: full random, else rank <= k
        INFO(m << "x" << n << ", rank bound " << k);
        ++seed;
        const M a = k == 0 ? M::random(m, n, seed) : M::random(m, k, seed) * M::random(k, n, seed + 1000);
        const auto f = gf2::pluq(a);
        mzd_t* ma = to_m4ri(a);
        mzp_t* p = mzp_init(static_cast<rci_t>(m));
        mzp_t* q = mzp_init(static_cast<rci_t>(n));
        const rci_t mrank = mzd_pluq(ma, p, q, 0);
        REQUIRE(static_cast<std::size_t>(mrank) == f.rank);
        // M4RI's Q is a sequence of swaps; its first rank entries are the profile.
        for (std::size_t j = 0; j < f.rank; ++j) CHECK(static_cast<std::size_t>(q->values[j]) == f.pivots()[j]);
        mzd_t* me = to_m4ri(a);
        mzd_echelonize_pluq(me, 1);
        auto [e, info] = gf2::reduced_row_echelon(a);
        CHECK(from_m4ri(me) == e);
        // Right kernels: both annihilate A, and together they span only n - rank dimensions.
        mzd_t* mk_in = to_m4ri(a);
        mzd_t* mk = mzd_kernel_left_pluq(mk_in, 0);
        const M ours = gf2::right_kernel(f);
        if (mk == nullptr) {
          CHECK(ours.cols() == 0);
        } else {
          const M theirs = from_m4ri(mk);
          CHECK(theirs.cols() == ours.cols());
          CHECK((a * ours).weight() == 0);
          CHECK(gf2::rank(gf2::detail::hcat(ours, theirs)) == n - f.rank);
          mzd_free(mk);
        }
        mzd_free(mk_in);
        mzd_free(me);
        mzp_free(p);
        mzp_free(q);
        mzd_free(ma);
      }
}
TEST_CASE("gf2 recursive PLE and plain elimination (tall base blocks) agree with M4RI", "[gf2][m4ri]") {
  // From 2048 rows and columns the PLE recurses over base blocks of up to 1024
  // columns, and on the GFNI level a block with twice as many rows as columns
  // eliminates its top rows only and takes the rest from one product.
  std::uint64_t seed = 90;
  for (const auto [m, n, k] : {std::array<std::size_t, 3>{2600, 2100, 0}, {4100, 2100, 0}, {4200, 2300, 900}}) {
    INFO(m << "x" << n << ", rank bound " << k);
    ++seed;
    const M a = k == 0 ? M::random(m, n, seed) : M::random(m, k, seed) * M::random(k, n, seed + 1000);
    mzd_t* ma = to_m4ri(a);
    mzp_t* p = mzp_init(static_cast<rci_t>(m));
    mzp_t* q = mzp_init(static_cast<rci_t>(n));
    const rci_t mrank = mzd_pluq(ma, p, q, 0);
    const auto f = gf2::ple(a, 2);
    REQUIRE(static_cast<std::size_t>(mrank) == f.rank);
    for (std::size_t j = 0; j < f.rank; ++j) CHECK(static_cast<std::size_t>(q->values[j]) == f.pivots[j]);
    CHECK(gf2::permute_rows(a, f.perm) == f.l * f.e);
    M plain = a;
    const auto info = gf2::echelonize(plain, false);
    CHECK(info.rank == f.rank);
    CHECK(info.pivots == f.pivots);
    // The plain form is the PLE's E above zero rows.
    bool e_above_zeros = true;
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t w = 0; w < plain.words_used(); ++w)
        e_above_zeros = e_above_zeros && plain.row_ptr(i)[w] == (i < f.rank ? f.e.row_ptr(i)[w] : 0);
    CHECK(e_above_zeros);
    (void)gf2::echelonize(plain, true);
    mzd_t* me = to_m4ri(a);
    mzd_echelonize(me, 1);
    CHECK(from_m4ri(me) == plain);
    mzd_free(me);
    mzp_free(p);
    mzp_free(q);
    mzd_free(ma);
  }
}
#else
TEST_CASE("gf2 agrees with M4RI", "[gf2][m4ri]") {
#if defined(SKIP)
  SKIP("M4RI not found by pkg-config at configure time: cross-check not built");
#else
  WARN("SKIPPED: M4RI not found by pkg-config at configure time: cross-check not built");
#endif
}
#endif
