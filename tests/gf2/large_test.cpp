// Larger shapes (several table slabs, panels, GFNI blocks): the simd kernels
// against the scalar reference kernels, which ops_test checks bit by bit.
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;
using S = gf2::matrix<sutro::scalar>;
using D = gf2::matrix<sutro::simd>;

namespace {
D to_simd(const S& s) {
  D d(s.rows(), s.cols());
  for (std::size_t i = 0; i < s.rows(); ++i)
    for (std::size_t w = 0; w < s.words_used(); ++w) d.row_ptr(i)[w] = s.row_ptr(i)[w];
  return d;
}
bool same(const S& s, const D& d) {
  if (s.rows() != d.rows() || s.cols() != d.cols()) return false;
  for (std::size_t i = 0; i < s.rows(); ++i)
    for (std::size_t w = 0; w < s.words_per_row(); ++w)  // padding too: it must stay zero
      if (s.row_ptr(i)[w] != d.row_ptr(i)[w]) return false;
  return true;
}
// Low rank r: pivots skip columns and panels end early.
S low_rank(std::size_t m, std::size_t n, std::size_t r, std::uint64_t seed) {
  return S::random(m, r, seed) * S::random(r, n, seed + 1);
}
}  // namespace

TEST_CASE("gf2 simd products equal the scalar ones on large shapes", "[gf2][simd]") {
  // Shapes from 2^29 bit operations (m k n) split into column shares among the threads.
  const std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> shapes{
      {520, 1100, 2100}, {1000, 130, 3000}, {700, 900, 650},  {256, 256, 256},   {64, 64, 64},
      {65, 4100, 70},    {300, 77, 4097},   {2049, 200, 129}, {1500, 4100, 1530}};
  for (auto [m, k, n] : shapes) {
    INFO(m << "x" << k << " times " << k << "x" << n);
    S a = S::random(m, k, m + k), b = S::random(k, n, k + n), c0 = S::random(m, n, 5);
    S c = c0;
    gf2::mul_add(c, a, b);
    D ad = to_simd(a), bd = to_simd(b), cd = to_simd(c0);
    gf2::mul_add(cd, ad, bd);
    REQUIRE(same(c, cd));
    for (unsigned threads : {2u, 3u}) {
      D cd2 = to_simd(c0);
      gf2::mul_add(cd2, ad, bd, threads);
      REQUIRE(same(c, cd2));
    }
#if SUTRO_SIMD_ENABLED
    // The portable Four-Russians kernel, whichever kernel mul_add picks here.
    D cd3 = to_simd(c0);
    sutro::gf2::kernels::m4rm_mul_add(sutro::simd{}, cd3.block(), ad.block(), bd.block(), 1);
    REQUIRE(same(c, cd3));
    D cd4 = to_simd(c0);
    sutro::gf2::kernels::m4rm_mul_add(sutro::simd{}, cd4.block(), ad.block(), bd.block(), 2);
    REQUIRE(same(c, cd4));
    for (std::size_t slab_words : {8u, 16u, 32u}) {  // every table width, whatever this CPU's L2 picks
      INFO("slabs of " << slab_words << " words");
      D cd7 = to_simd(c0);
      sutro::gf2::kernels::m4rm_mul_add(sutro::simd{}, cd7.block(), ad.block(), bd.block(), 1, slab_words);
      REQUIRE(same(c, cd7));
    }
    // Strassen-Winograd with a low cutoff: recursion, odd fringes, both base kernels.
    for (std::size_t cutoff : {128u, 256u}) {
      D cd5 = to_simd(c0);
      sutro::gf2::kernels::strassen_mul_add(
          sutro::simd{}, cd5.block(), ad.block(), bd.block(), cutoff,
          [](auto cc, auto aa, auto bb) { sutro::gf2::kernels::base_mul_add(sutro::simd{}, cc, aa, bb, 1); });
      REQUIRE(same(c, cd5));
      D cd6 = to_simd(c0);
      sutro::gf2::kernels::strassen_mul_add(
          sutro::simd{}, cd6.block(), ad.block(), bd.block(), cutoff,
          [](auto cc, auto aa, auto bb) { sutro::gf2::kernels::m4rm_mul_add(sutro::simd{}, cc, aa, bb, 1); });
      REQUIRE(same(c, cd6));
      // The entry point with this cutoff: on GFNI levels the recursion runs on
      // the packed operands (halves of row blocks, bytes of k, words of columns).
      for (unsigned threads : {1u, 2u}) {
        D cd8 = to_simd(c0);
        sutro::gf2::kernels::mul_add(sutro::simd{}, cd8.block(), ad.block(), bd.block(), threads, cutoff);
        REQUIRE(same(c, cd8));
      }
    }
#endif
  }
}

#if SUTRO_SIMD_ENABLED
TEST_CASE("gf2 Four Russians refuses a slab width it has no tables for", "[gf2][simd]") {
  D a = to_simd(S::random(200, 200, 1)), b = to_simd(S::random(200, 200, 2)), c = to_simd(S::random(200, 200, 3));
  try {
    sutro::gf2::kernels::m4rm_mul_add(sutro::simd{}, c.block(), a.block(), b.block(), 1, 24);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "sutro::gf2::m4rm_mul_add: slab_words 24 is not 0, 8, 16 or 32");
  }
  CHECK(sutro::gf2::kernels::m4rm_slab_words(std::size_t{512} << 10) == 16);
  CHECK(sutro::gf2::kernels::m4rm_slab_words(std::size_t{1} << 20) == 32);
  CHECK(sutro::gf2::kernels::m4rm_slab_words(std::size_t{2} << 20) == 32);
  CHECK(sutro::gf2::kernels::m4rm_slab_words(std::size_t{64} << 10) == 8);
}
#endif

TEST_CASE("gf2 simd elimination equals the scalar one on large shapes", "[gf2][simd]") {
  std::vector<S> inputs;
  inputs.emplace_back(S::random(700, 2200, 1));
  inputs.emplace_back(S::random(1500, 300, 2));
  inputs.emplace_back(low_rank(900, 1300, 200, 3));
  inputs.emplace_back(low_rank(640, 640, 630, 4));
  // Sparse columns: many non-pivot columns inside each panel.
  S sparse = low_rank(400, 500, 50, 5);
  for (std::size_t i = 0; i < sparse.rows(); ++i)
    for (std::size_t j = 0; j < sparse.cols(); j += 3) sparse.set(i, j, false);
  inputs.push_back(sparse);
  for (const S& a : inputs) {
    INFO(a.rows() << "x" << a.cols());
    for (bool reduced : {false, true})
      for (unsigned threads : {1u, 2u}) {
        S e = a;
        D ed = to_simd(a);
        auto i1 = gf2::echelonize(e, reduced);
        auto i2 = gf2::echelonize(ed, reduced, threads);
        REQUIRE(i1.rank == i2.rank);
        REQUIRE(i1.pivots == i2.pivots);
        REQUIRE(same(e, ed));
      }
    // PLE: the simd factors (recorded during the M4RI elimination) are the
    // reference's bit for bit, and P A == L E.
    const auto f1 = gf2::ple(a);
    const D ad = to_simd(a);
    for (unsigned threads : {1u, 2u}) {
      const auto f2 = gf2::ple(ad, threads);
      REQUIRE(f1.perm == f2.perm);
      REQUIRE(f1.pivots == f2.pivots);
      REQUIRE(f1.rank == f2.rank);
      REQUIRE(same(f1.l, f2.l));
      REQUIRE(same(f1.e, f2.e));
      REQUIRE(gf2::permute_rows(ad, f2.perm) == f2.l * f2.e);
    }
  }
}

TEST_CASE("gf2 simd transpose, inverse and solve equal the scalar ones on large shapes", "[gf2][simd]") {
  for (auto [m, n] : {std::pair<std::size_t, std::size_t>{1000, 70}, {129, 2500}, {1024, 1024}, {777, 777}}) {
    S a = S::random(m, n, m * n);
    REQUIRE(same(gf2::transpose(a), gf2::transpose(to_simd(a))));
    auto s1 = gf2::solve(a, S::random(m, 3, 9));
    auto s2 = gf2::solve(to_simd(a), to_simd(S::random(m, 3, 9)));
    REQUIRE(s1.consistent == s2.consistent);
    REQUIRE(same(s1.solution, s2.solution));
    REQUIRE(same(s1.nullspace, s2.nullspace));
  }
  // Outputs from transpose_unit::stream_bytes (4 MiB) on are written with
  // non-temporal stores, including a last band of fewer than 8 words.
  for (auto [m, n] : {std::pair<std::size_t, std::size_t>{4100, 8200}, {8200, 4100}}) {
    S a = S::random(m, n, m + n);
    REQUIRE(same(gf2::transpose(a), gf2::transpose(to_simd(a))));
  }
  S l = S::random(600, 600, 1), u = S::random(600, 600, 2);
  for (std::size_t i = 0; i < 600; ++i)
    for (std::size_t j = 0; j < 600; ++j) {
      if (j > i) l.set(i, j, false);
      if (j < i) u.set(i, j, false);
      if (i == j) l.set(i, j, true), u.set(i, j, true);
    }
  S a = l * u;
  S inv = gf2::inverse(a);
  REQUIRE(same(inv, gf2::inverse(to_simd(a), 2)));
  REQUIRE(a * inv == S::identity(600));
}

TEST_CASE("gf2 threaded elimination passes equal single-threaded ones", "[gf2][simd]") {
  // Wide enough (rows x words per pass >= 2^19) for the passes to be split.
  D a = D::random(1200, 32768, 77);
  for (bool reduced : {false, true}) {
    D e1 = a, e2 = a;
    auto i1 = gf2::echelonize(e1, reduced, 1);
    auto i2 = gf2::echelonize(e2, reduced, 2);
    REQUIRE(i1.rank == i2.rank);
    REQUIRE(i1.pivots == i2.pivots);
    REQUIRE(e1 == e2);
  }
}

TEST_CASE("gf2 simd elimination skips columns without a pivot and equals the scalar one", "[gf2][simd]") {
  // Once a panel's search meets a column without a pivot before it has any,
  // it jumps to the next column where a remaining row has a one: the rank
  // runs out early, zero column bands start and end inside words and across
  // panels, and the augmented columns of solve (past the elimination's
  // column limit) must not count.
  std::vector<S> inputs;
  for (std::size_t r : {0, 1, 63, 64, 65, 130}) {
    inputs.push_back(low_rank(700, 1300, r, 40 + r));
    inputs.push_back(low_rank(2100, 2100, r, 50 + r));
  }
  S bands = S::random(900, 1500, 60);
  for (std::size_t i = 0; i < bands.rows(); ++i)
    for (std::size_t j = 0; j < bands.cols(); ++j)
      if ((j >= 70 && j < 450) || (j >= 640 && j < 641) || j >= 1300) bands.set(i, j, false);
  inputs.push_back(bands);
  S lone = low_rank(800, 1200, 40, 61);  // one pivot far right, after the rank ran out
  for (std::size_t i = 0; i < lone.rows(); ++i) lone.set(i, 1199, i == 777);
  inputs.push_back(lone);
  for (const S& a : inputs) {
    INFO(a.rows() << "x" << a.cols());
    for (bool reduced : {false, true}) {
      S e = a;
      const auto i1 = gf2::echelonize(e, reduced);
      for (unsigned threads : {1u, 2u}) {
        D ed = to_simd(a);
        const auto i2 = gf2::echelonize(ed, reduced, threads);
        REQUIRE(i1.rank == i2.rank);
        REQUIRE(i1.pivots == i2.pivots);
        REQUIRE(same(e, ed));
      }
    }
    const auto f1 = gf2::ple(a);
    const auto f2 = gf2::ple(to_simd(a), 2);
    REQUIRE(f1.perm == f2.perm);
    REQUIRE(f1.pivots == f2.pivots);
    REQUIRE(same(f1.l, f2.l));
    REQUIRE(same(f1.e, f2.e));
    const S b = S::random(a.rows(), 5, a.rows() + 1);
    const auto s1 = gf2::solve(a, b);
    const auto s2 = gf2::solve(to_simd(a), to_simd(b));
    REQUIRE(s1.consistent == s2.consistent);
    REQUIRE(same(s1.solution, s2.solution));
    REQUIRE(same(s1.nullspace, s2.nullspace));
  }
}

TEST_CASE("gf2 simd products skip zero operands", "[gf2][simd]") {
  // A window of columns [0, 128) whose bits are zero beside the parent's
  // random columns 128..: the product is zero; with one bit set (column 127,
  // the window's last) it is that row of B.
  for (std::size_t rows : {64, 700}) {
    D parent = D::random(rows, 300, 70 + rows);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < 128; ++j) parent.set(i, j, false);
    const D b = D::random(128, 500, 71);
    const D zero = parent.window(gf2::row_range{0, rows}, gf2::col_range{0, 128}) * b;
    REQUIRE(zero == D(rows, 500));
    parent.set(rows - 1, 127, true);
    const D one = parent.window(gf2::row_range{0, rows}, gf2::col_range{0, 128}) * b;
    for (std::size_t i = 0; i + 1 < rows; ++i)
      for (std::size_t j = 0; j < 500; ++j) REQUIRE(!one(i, j));
    for (std::size_t j = 0; j < 500; ++j) REQUIRE(one(rows - 1, j) == b(127, j));
    D c = D::random(rows, 500, 72);
    const D c0 = c;
    gf2::mul_add(c, D::random(rows, 100, 73), D(100, 500), 2);  // B zero
    REQUIRE(c == c0);
    D last_bit(rows, 100);  // A's only one in the partial last word
    last_bit.set(rows / 2, 99, true);
    const D b100 = D::random(100, 500, 74);
    const D row_of_b = last_bit * b100;
    for (std::size_t j = 0; j < 500; ++j) REQUIRE(row_of_b(rows / 2, j) == b100(99, j));
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; i != rows / 2 && j < 500; ++j) REQUIRE(!row_of_b(i, j));
  }
  // Inverses of matrices whose factors are mostly zero blocks, split inside
  // words by the triangular solves (n = 1500), against the reference.
  const std::size_t n = 1500;
  S perm(n, n), tri = S::random(n, n, 74);
  for (std::size_t i = 0; i < n; ++i) {
    perm.set(i, (7 * i + 3) % n, true);
    for (std::size_t j = 0; j < i; ++j) tri.set(i, j, false);
    tri.set(i, i, true);
  }
  for (const S& a : {S::identity(n), perm, tri}) {
    const S inv = gf2::inverse(a);
    REQUIRE(same(inv, gf2::inverse(to_simd(a), 2)));
    REQUIRE(a * inv == S::identity(n));
  }
}
