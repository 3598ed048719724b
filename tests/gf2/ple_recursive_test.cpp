// The recursive PLE and the plain elimination built on it (large matrices,
// simd backend) against the scalar reference kernels, bit for bit: P, L, E,
// the pivots, and the echelon form. Sizes pass min_dim (2048) so that the
// column recursion runs two levels deep over 1024-column base blocks, on
// full-rank, low-rank and rank-deficient block inputs, tall and wide.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

namespace {
using SM = gf2::matrix<sutro::scalar>;
using DM = gf2::matrix<sutro::simd>;

template <class To, class From>
To convert(const From& a) {
  To out(a.rows(), a.cols());
  for (std::size_t i = 0; i < a.rows(); ++i) std::copy_n(a.row_ptr(i), a.words_used(), out.row_ptr(i));
  return out;
}

bool same(const DM& a, const SM& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::size_t i = 0; i < a.rows(); ++i)
    if (!std::equal(a.row_ptr(i), a.row_ptr(i) + a.words_used(), b.row_ptr(i))) return false;
  return true;
}

/// The simd PLE's factors are the reference's bit for bit.
template <class F, class G>
void require_same_factors(const F& f, const G& g) {
  REQUIRE(f.rank == g.rank);
  REQUIRE(f.pivots == g.pivots);
  REQUIRE(f.perm == g.perm);
  REQUIRE(same(f.l, g.l));
  REQUIRE(same(f.e, g.e));
}

/// The plain form through the recursion equals the reference's.
void require_plain_form_as_reference(DM a) {
  SM as = convert<SM>(a);
  const auto info = gf2::echelonize(a, false);
  const auto ref = gf2::echelonize(as, false);
  REQUIRE(info.rank == ref.rank);
  REQUIRE(info.pivots == ref.pivots);
  REQUIRE(same(a, as));
}
}  // namespace

TEST_CASE("gf2 recursive PLE equals the reference PLE bit for bit", "[gf2]") {
  struct shape {
    std::size_t m, n, k;  // k: rank bound (0: random)
    const char* what;
  };
  const shape shapes[] = {{2100, 2300, 0, "random, wide"},
                          {2600, 2049, 0, "random, tall"},
                          {2200, 2200, 700, "rank 700"},
                          {2100, 2500, 1500, "rank 1500"},
                          {2048, 2048, 0, "random, square"}};
  std::uint64_t seed = 1;
  for (const shape& s : shapes) {
    INFO(s.m << "x" << s.n << " " << s.what);
    seed += 2;
    DM a = s.k == 0 ? DM::random(s.m, s.n, seed) : DM::random(s.m, s.k, seed) * DM::random(s.k, s.n, seed + 1);
    const SM as = convert<SM>(a);
    const auto f = gf2::ple(a);
    const auto g = gf2::ple(as);
    require_same_factors(f, g);
  }
  // Rank-deficient blocks: the first 1100 columns copy 300 columns, a band of
  // rows repeats, the rest is random.
  DM b = DM::random(2300, 2400, 77);
  for (std::size_t i = 0; i < b.rows(); ++i)
    for (std::size_t j = 300; j < 1100; ++j) b.set(i, j, b(i, j % 300));
  for (std::size_t i = 1500; i < b.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j) b.set(i, j, b(i - 1500, j));
  const auto f = gf2::ple(b);
  const auto g = gf2::ple(convert<SM>(b));
  require_same_factors(f, g);
}

TEST_CASE("gf2 recursive PLE: tall base blocks, taken or given up, equal the reference", "[gf2]") {
  // A base block with at least twice as many rows as columns eliminates its
  // first cols + 64 rows; where they have full rank, the rows below get their
  // multipliers from one product. Where they do not, the flat elimination
  // runs. Both give the same factors, so the kernel's counters say which ran
  // (on the GFNI level, the only one that takes tall blocks).
  struct paths {
    bool taken, given_up;
  };
  const auto check = [](const DM& a, paths expected) {
    const auto g = gf2::ple(convert<SM>(a));
    for (unsigned threads : {1u, 2u, 3u}) {
      INFO("threads " << threads);
#if SUTRO_SIMD_ENABLED
      const auto before = gf2::kernels::tall_block_stats();
#endif
      const auto f = gf2::ple(a, threads);
      require_same_factors(f, g);
#if SUTRO_SIMD_ENABLED
      if (sutro::cpu::active_level() == sutro::cpu::level::avx512_gfni) {
        const auto after = gf2::kernels::tall_block_stats();
        CHECK((after.taken > before.taken) == expected.taken);
        CHECK((after.given_up > before.given_up) == expected.given_up);
      }
#endif
    }
  };
  SECTION("random: every base block is taken") { check(DM::random(4100, 2100, 31), {true, false}); }
  SECTION("the first block has rank 300: later blocks record L from a column that is not a multiple of 64") {
    DM a = DM::random(4300, 2400, 32);
    for (std::size_t i = 0; i < a.rows(); ++i)
      for (std::size_t j = 300; j < 1100; ++j) a.set(i, j, a(i, j % 300));
    check(a, {true, true});
  }
  SECTION("a column is zero in the top rows only: full rank, but the pivot lies below them") {
    DM a = DM::random(4200, 2100, 33);
    for (std::size_t i = 0; i < 1500; ++i) a.set(i, 700, false);
    check(a, {true, true});
  }
  SECTION("the top rows are zero") {
    DM a = DM::random(5000, 2200, 34);
    for (std::size_t i = 0; i < 1200; ++i)
      for (std::size_t j = 0; j < a.cols(); ++j) a.set(i, j, false);
    check(a, {false, true});
  }
  SECTION("rank 900") { check(DM::random(4200, 900, 35) * DM::random(900, 2300, 36), {true, true}); }
}

TEST_CASE("gf2 plain elimination through the recursive PLE equals the reference", "[gf2]") {
  // Past min_dim_echelon (2048 at the GFNI levels, 5120 below), low rank and tall random.
  require_plain_form_as_reference(DM::random(5130, 200, 5) * DM::random(200, 5120, 6));
  require_plain_form_as_reference(DM::random(6000, 2600, 7));
}

TEST_CASE("gf2 recursive PLE and elimination on several threads equal one thread's", "[gf2][threads]") {
  // The base blocks' passes split their rows between a team's members, and
  // the products take column shares on the same team: the factors must not
  // depend on how many members there are.
  DM deficient = DM::random(2300, 2400, 77);
  for (std::size_t i = 1500; i < deficient.rows(); ++i)
    for (std::size_t j = 0; j < deficient.cols(); ++j) deficient.set(i, j, deficient(i - 1500, j));
  const DM inputs[] = {DM::random(2600, 2049, 11), DM::random(2200, 700, 12) * DM::random(700, 2200, 13), deficient};
  for (const DM& a : inputs) {
    INFO(a.rows() << "x" << a.cols());
    const auto one = gf2::ple(a, 1);
    for (unsigned threads : {2u, 3u}) {
      INFO("threads " << threads);
      const auto many = gf2::ple(a, threads);
      REQUIRE(many.rank == one.rank);
      REQUIRE(many.pivots == one.pivots);
      REQUIRE(many.perm == one.perm);
      REQUIRE(many.l == one.l);
      REQUIRE(many.e == one.e);
    }
  }
  // Past min_dim_echelon at full rank: the plain form's recursion.
  const DM a = DM::random(5200, 5300, 14);
  DM e1 = a;
  const auto i1 = gf2::echelonize(e1, false, 1);
  for (unsigned threads : {2u, 3u}) {
    DM e2 = a;
    const auto i2 = gf2::echelonize(e2, false, threads);
    REQUIRE(i2.rank == i1.rank);
    REQUIRE(i2.pivots == i1.pivots);
    REQUIRE(e2 == e1);
  }
}

#if SUTRO_SIMD_ENABLED
TEST_CASE("gf2 M4RI elimination with the next pivot search beside each pass equals one thread's", "[gf2][threads]") {
  // On a team, member 0 searches the next panel's pivots in the rows it has
  // cleared while the others clear theirs; where the search runs past those
  // rows it waits for the pass. Rows 64..1999 of `waits` are zero right of
  // column 64 (zero everywhere once the first panel is applied), so the second
  // panel's pivots lie past member 0's share.
  DM waits = DM::random(3000, 2048, 21);
  for (std::size_t i = 64; i < 2000; ++i)
    for (std::size_t j = 64; j < waits.cols(); ++j) waits.set(i, j, false);
  const DM inputs[] = {DM::random(3000, 2048, 22), waits, DM::random(3000, 300, 23) * DM::random(300, 2048, 24)};
  for (const DM& a : inputs) {
    for (bool reduced : {false, true}) {
      INFO(a.rows() << "x" << a.cols() << (reduced ? " reduced" : " plain"));
      DM one = a;
      const auto i1 = gf2::kernels::echelonize_m4ri(sutro::simd{}, one.block(), reduced, a.cols(), 1, nullptr);
      for (unsigned threads : {2u, 3u}) {
        INFO("threads " << threads);
        DM many = a;
        const auto i2 = gf2::kernels::echelonize_m4ri(sutro::simd{}, many.block(), reduced, a.cols(), threads, nullptr);
        REQUIRE(i2.pivots == i1.pivots);
        REQUIRE(many == one);
      }
    }
    // With the PLE factors recorded.
    const std::size_t m = a.rows();
    const auto factor = [&](unsigned threads, DM& e, DM& l, std::vector<std::size_t>& perm) {
      perm.resize(m);
      for (std::size_t i = 0; i < m; ++i) perm[i] = i;
      gf2::kernels::ple_sink sink{l.block(), perm.data()};
      return gf2::kernels::echelonize_m4ri(sutro::simd{}, e.block(), false, a.cols(), threads, &sink);
    };
    DM e1 = a, l1(m, m);
    std::vector<std::size_t> p1;
    const auto i1 = factor(1, e1, l1, p1);
    for (unsigned threads : {2u, 3u}) {
      DM e2 = a, l2(m, m);
      std::vector<std::size_t> p2;
      const auto i2 = factor(threads, e2, l2, p2);
      REQUIRE(i2.pivots == i1.pivots);
      REQUIRE(p2 == p1);
      REQUIRE(e2 == e1);
      REQUIRE(l2 == l1);
    }
  }
}
#endif
