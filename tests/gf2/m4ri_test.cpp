// Cross-check against M4RI (Debian's libm4ri-dev) when pkg-config found it.
#include <cstddef>
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
} // namespace

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
#else
TEST_CASE("gf2 agrees with M4RI", "[gf2][m4ri]") {
#if defined(SKIP)
  SKIP("M4RI not found by pkg-config at configure time: cross-check not built");
#else
  WARN("SKIPPED: M4RI not found by pkg-config at configure time: cross-check not built");
#endif
}
#endif
