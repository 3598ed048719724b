// Overlapping windows, element-exact overlap checks, shapes whose sizes
// overflow size_t, and where kernel scratch memory is counted.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/memory/scoped_measurement.hpp"

namespace gf2 = sutro::gf2;

namespace {

/// dst[i][j] ^= src[i][j] on the reference, src read in full first.
gf2ref::dense shifted_sum(const gf2ref::dense& m, std::size_t dr0, std::size_t sr0, std::size_t nr, std::size_t dc0,
                          std::size_t sc0, std::size_t nc) {
  gf2ref::dense out = m;
  for (std::size_t i = 0; i < nr; ++i)
    for (std::size_t j = 0; j < nc; ++j) out.at(dr0 + i, dc0 + j) ^= m.at(sr0 + i, sc0 + j);
  return out;
}

template <class B>
void check_overlapping_add(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  for (std::size_t cols : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{200}}) {
    INFO("backend " << B::name << ", " << cols << " columns");
    // Rows 1..3 += rows 0..2, and the other way round.
    M m = M::random(4, cols, seed + cols);
    auto ref = gf2ref::of(m);
    gf2::add_into(m.window(gf2::row_range{1, 4}, gf2::col_range{0, cols}),
                  m.window(gf2::row_range{0, 3}, gf2::col_range{0, cols}));
    REQUIRE(gf2ref::of(m) == shifted_sum(ref, 1, 0, 3, 0, 0, cols));
    m = M::random(4, cols, seed + cols + 1);
    ref = gf2ref::of(m);
    gf2::add_into(m.window(gf2::row_range{0, 3}, gf2::col_range{0, cols}),
                  m.window(gf2::row_range{1, 4}, gf2::col_range{0, cols}));
    REQUIRE(gf2ref::of(m) == shifted_sum(ref, 0, 1, 3, 0, 0, cols));
    // A window added to itself is zero.
    m = M::random(4, cols, seed + cols + 2);
    gf2::add_into(m.window(gf2::row_range{1, 3}, gf2::col_range{0, cols}),
                  m.window(gf2::row_range{1, 3}, gf2::col_range{0, cols}));
    for (std::size_t j = 0; j < cols; ++j) REQUIRE_FALSE(m(1, j));
  }
  // Overlap by columns in the same rows, and by rows and columns at once.
  M m = M::random(70, 320, seed + 9);
  auto ref = gf2ref::of(m);
  gf2::add_into(m.window(gf2::row_range{0, 70}, gf2::col_range{64, 256}),
                m.window(gf2::row_range{0, 70}, gf2::col_range{0, 192}));
  REQUIRE(gf2ref::of(m) == shifted_sum(ref, 0, 0, 70, 64, 0, 192));
  m = M::random(70, 320, seed + 10);
  ref = gf2ref::of(m);
  gf2::add_into(m.window(gf2::row_range{0, 69}, gf2::col_range{0, 256}),
                m.window(gf2::row_range{1, 70}, gf2::col_range{64, 320}));
  REQUIRE(gf2ref::of(m) == shifted_sum(ref, 0, 1, 69, 0, 64, 256));
  m = M::random(70, 320, seed + 11);
  ref = gf2ref::of(m);
  gf2::add_into(m.window(gf2::row_range{3, 70}, gf2::col_range{128, 320}),
                m.window(gf2::row_range{0, 67}, gf2::col_range{0, 192}));
  REQUIRE(gf2ref::of(m) == shifted_sum(ref, 3, 0, 67, 128, 0, 192));
}

template <class B>
void check_mul_add_windows(std::uint64_t seed) {
  using M = gf2::matrix<B>;
  for (std::size_t n : {std::size_t{1}, std::size_t{64}, std::size_t{65}, std::size_t{130}}) {
    INFO("backend " << B::name << ", n " << n);
    // c: columns [128, 128 + n) of the rows that hold a in columns [0, 128).
    M m = M::random(96, 128 + n, seed + n);
    M b = M::random(128, n, seed + n + 1);
    const auto ref = gf2ref::of(m);
    gf2::mul_add(m.window(gf2::row_range{0, 96}, gf2::col_range{128, 128 + n}),
                 m.window(gf2::row_range{0, 96}, gf2::col_range{0, 128}), b);
    const auto prod =
        gf2ref::mul(gf2ref::of(m.window(gf2::row_range{0, 96}, gf2::col_range{0, 128}).to_matrix()), gf2ref::of(b));
    auto want = ref;
    for (std::size_t i = 0; i < 96; ++i)
      for (std::size_t j = 0; j < n; ++j) want.at(i, 128 + j) ^= prod.at(i, j);
    REQUIRE(gf2ref::of(m) == want);
    // b from lower rows of the same matrix, disjoint from c.
    M m2 = M::random(96 + 128, 64 + n, seed + n + 2);
    const auto ref2 = gf2ref::of(m2);
    gf2::mul_add(m2.window(gf2::row_range{0, 96}, gf2::col_range{64, 64 + n}),
                 m2.window(gf2::row_range{0, 96}, gf2::col_range{0, 64}),
                 m2.window(gf2::row_range{96, 160}, gf2::col_range{64, 64 + n}));
    const auto prod2 =
        gf2ref::mul(gf2ref::of(m2.window(gf2::row_range{0, 96}, gf2::col_range{0, 64}).to_matrix()),
                    gf2ref::of(m2.window(gf2::row_range{96, 160}, gf2::col_range{64, 64 + n}).to_matrix()));
    auto want2 = ref2;
    for (std::size_t i = 0; i < 96; ++i)
      for (std::size_t j = 0; j < n; ++j) want2.at(i, 64 + j) ^= prod2.at(i, j);
    REQUIRE(gf2ref::of(m2) == want2);
  }
  // Real overlaps still throw: shared columns, shared rows, the same block.
  M m = M::random(256, 256, seed);
  REQUIRE_THROWS_AS(gf2::mul_add(m.window(gf2::row_range{0, 128}, gf2::col_range{64, 192}),
                                 m.window(gf2::row_range{0, 128}, gf2::col_range{0, 128}), M::random(128, 128, 1)),
                    std::invalid_argument);
  REQUIRE_THROWS_AS(gf2::mul_add(m.window(gf2::row_range{0, 64}, gf2::col_range{128, 256}), M::random(64, 128, 2),
                                 m.window(gf2::row_range{63, 191}, gf2::col_range{128, 256})),
                    std::invalid_argument);
  M sq = M::random(64, 64, seed + 3);
  REQUIRE_THROWS_AS(gf2::mul_add(sq, sq, M::random(64, 64, 4)), std::invalid_argument);
}

}  // namespace

TEST_CASE("gf2 add_into on overlapping windows of one matrix adds the old values", "[gf2]") {
  check_overlapping_add<sutro::scalar>(1);
  check_overlapping_add<sutro::simd>(2);
}

TEST_CASE("gf2 mul_add accepts disjoint windows of the same rows and rejects shared words", "[gf2]") {
  check_mul_add_windows<sutro::scalar>(3);
  check_mul_add_windows<sutro::simd>(4);
}

TEST_CASE("gf2 element overlap of blocks of one stride", "[gf2]") {
  gf2::matrix<sutro::scalar> m(10, 512);
  auto blk = [&](std::size_t r0, std::size_t r1, std::size_t c0, std::size_t c1) {
    return gf2::detail::cblock(m.window(gf2::row_range{r0, r1}, gf2::col_range{c0, c1}).block());
  };
  // Brute force over small windows: overlap iff some (row, word) is in both.
  const std::size_t words = 8;
  for (std::size_t r0 = 0; r0 < 10; r0 += 3)
    for (std::size_t r1 = r0 + 1; r1 <= 10; r1 += 4)
      for (std::size_t c0 = 0; c0 < words; ++c0)
        for (std::size_t c1 = c0 + 1; c1 <= words; c1 += 2)
          for (std::size_t s0 = 0; s0 < 10; s0 += 2)
            for (std::size_t s1 = s0 + 1; s1 <= 10; s1 += 3)
              for (std::size_t d0 = 0; d0 < words; ++d0)
                for (std::size_t d1 = d0 + 1; d1 <= words; d1 += 3) {
                  const bool rows = r0 < s1 && s0 < r1, cols = c0 < d1 && d0 < c1;
                  INFO(r0 << " " << r1 << " " << c0 << " " << c1 << " vs " << s0 << " " << s1 << " " << d0 << " "
                          << d1);
                  const auto x = blk(r0, r1, 64 * c0, 64 * c1), y = blk(s0, s1, 64 * d0, 64 * d1);
                  REQUIRE(gf2::detail::overlaps(x, y) == (rows && cols));
                  REQUIRE(gf2::detail::overlaps(y, x) == (rows && cols));
                }
  gf2::matrix<sutro::scalar> other(10, 512);
  REQUIRE_FALSE(gf2::detail::overlaps(m.block(), other.block()));
}

TEST_CASE("gf2 shapes whose sizes overflow throw instead of allocating nothing", "[gf2]") {
  constexpr std::size_t huge = std::numeric_limits<std::size_t>::max();
  // Rows of 2^58 words: refused with the shape named, never built without
  // storage nor passed to the allocator (whose bad_alloc would name nothing).
  auto refused = [](auto make) {
    try {
      make();
    } catch (const std::length_error& e) {
      return std::string(e.what()).find("sutro::gf2::") == 0;
    }
    return false;
  };
  REQUIRE(refused([&] {
    gf2::matrix<> m(2, huge);
    m.set(1, huge - 1, true);
  }));
  REQUIRE(refused([&] {
    gf2::matrix<> m(2, huge - 63);
    m.set(1, 0, true);
  }));
  REQUIRE(refused([&] {
    gf2::vector<> v(huge);
    v.set(huge - 1, true);
  }));
  REQUIRE(refused([&] {
    gf2::vector<> v(huge - 10);
    v.set(0, true);
  }));
  REQUIRE(refused([&] { gf2::matrix<> m(std::size_t{1} << 32, std::size_t{1} << 32); }));
  REQUIRE(refused([&] { (void)gf2::matrix<>::identity(std::size_t{1} << 32); }));
  REQUIRE(refused([&] { gf2::vector<> v(std::size_t{1} << 62); }));
  // 2^64 rows of no words: refused, not a matrix whose row loops never end.
  REQUIRE(refused([&] { gf2::matrix<> m(huge, 0); }));
  REQUIRE(gf2::matrix<>(1000, 0).rows() == 1000);
  REQUIRE(refused([&] {
    gf2::matrix<> m(16, huge);
    m.set(1, 0, true);
  }));  // 16 rows of 2^58 words: too many
  REQUIRE(gf2::detail::words_for(huge) == huge / 64 + 1);
  REQUIRE(gf2::detail::padded_words(huge) == (huge / 64 + 8) / 8 * 8);
  try {
    gf2::matrix<> m(huge / 8, 1);
    FAIL("no exception");
  } catch (const std::length_error& e) {
    REQUIRE(std::string(e.what()).find("sutro::gf2::matrix::matrix: " + std::to_string(huge / 8) + "x1") == 0);
  }
  const std::size_t big = std::size_t{1} << 32;
  REQUIRE_THROWS_AS(gf2::matrix<>::from_bytes(big, big, {}), std::invalid_argument);
  REQUIRE_THROWS_AS(gf2::matrix<>::from_bytes(huge, 2, {}), std::invalid_argument);
  // 0 x 2^64 columns: refused like 2^64 x 0 (its transpose), not a matrix
  // whose column loops and permutations never end.
  REQUIRE(refused([&] { gf2::matrix<> m(0, huge); }));
  REQUIRE(refused([&] { (void)gf2::matrix<>::from_bytes(0, huge, {}); }));
  REQUIRE(gf2::matrix<>(0, 1000).cols() == 1000);
  REQUIRE(gf2::transpose(gf2::matrix<>(0, 1000)).rows() == 1000);
}

TEST_CASE("gf2 kernel scratch is counted by the output matrix's allocator", "[gf2]") {
  using alloc = sutro::memory::accounting_allocator<gf2::word, sutro::memory::aligned_allocator<gf2::word>>;
  using M = gf2::matrix<sutro::simd, alloc>;
  sutro::memory::stats counter;
  const auto global_before = sutro::memory::default_stats().snapshot().total_bytes;
  const std::size_t n = 1024;
  const std::uint64_t matrix_bytes = n * (n / 8);
  {
    M a = M::random(n, n, 1, alloc(counter)), b = M::random(n, n, 2, alloc(counter));
    {
      sutro::memory::scoped_measurement region(counter);
      M c = a * b;
      const auto used = region.finish();
      // The product's own storage plus scratch (packing buffers or tables).
      REQUIRE(used.bytes_allocated > matrix_bytes);
    }
    {
      M e = a;
      sutro::memory::scoped_measurement region(counter);
      (void)gf2::echelonize(e, true);
      REQUIRE(region.finish().bytes_allocated > 0);
    }
    {
      M c = a;
      gf2::add_into(c.window(gf2::row_range{1, n}, gf2::col_range{0, n}),
                    c.window(gf2::row_range{0, n - 1}, gf2::col_range{0, n}));  // in place, no scratch
      M inv = gf2::inverse(gf2::matrix<sutro::simd, alloc>::identity(n, alloc(counter)));
      REQUIRE(inv.rows() == n);
    }
    M t = gf2::transpose(a);
    REQUIRE(t.rows() == n);
  }
  REQUIRE(sutro::memory::default_stats().snapshot().total_bytes == global_before);
  REQUIRE(counter.snapshot().bytes_in_use == 0);
}

TEST_CASE("gf2 scratch of threaded solves, kernels and vector solves is counted by the operand's allocator", "[gf2]") {
  using alloc = sutro::memory::accounting_allocator<gf2::word, sutro::memory::aligned_allocator<gf2::word>>;
  using M = gf2::matrix<sutro::simd, alloc>;
  using V = gf2::vector<sutro::simd, alloc>;
  sutro::memory::stats counter;
  const auto global = [] { return sutro::memory::default_stats().snapshot().total_bytes; };
  {
    // Large enough for a triangular solve to share its columns among 2 threads.
    const std::size_t n = 4096;
    M l = M::random(n, n, 1, alloc(counter));
    for (std::size_t i = 0; i < n; ++i) l.set(i, i, true);
    const M b = M::random(n, n, 2, alloc(counter));
    const auto before = global();
    const M x = gf2::solve_lower_triangular(l, b, 2);
    CHECK(global() == before);
    CHECK(x.rows() == n);
  }
  {
    const M a = M::random(600, 500, 3, alloc(counter));
    const auto before = global();
    const M y = gf2::left_kernel(a);
    CHECK(global() == before);
    CHECK(y.rows() == 600 - gf2::rank(a));
    const auto ya = y * a;
    CHECK(gf2::rank(ya) == 0);
    M l = M::random(300, 300, 4, alloc(counter));
    for (std::size_t i = 0; i < 300; ++i) l.set(i, i, true);
    V v(300, alloc(counter));
    for (std::size_t i = 0; i < 300; i += 3) v.set(i, true);
    const auto before_vector = global();
    const V z = gf2::solve_lower_triangular(l, v);
    CHECK(global() == before_vector);
    CHECK(z.size() == 300);
  }
  CHECK(counter.snapshot().bytes_in_use == 0);
}

TEST_CASE("gf2 ple and pluq results take the operand's allocator, whatever its type", "[gf2]") {
  // Every factor is counted by the operand's allocator, and an operand with
  // another allocator type compiles.
  using alloc = sutro::memory::accounting_allocator<gf2::word, sutro::memory::aligned_allocator<gf2::word>>;
  using M = gf2::matrix<sutro::simd, alloc>;
  sutro::memory::stats counter;
  const M a = M::random(100, 170, 2, alloc(counter));
  const auto f = gf2::ple(a);
  CHECK(&f.l.get_allocator().counter() == &counter);
  CHECK(&f.e.get_allocator().counter() == &counter);
  const auto q = gf2::pluq(a);
  CHECK(&q.u.get_allocator().counter() == &counter);
  CHECK(&gf2::right_kernel(a).get_allocator().counter() == &counter);

  using S = gf2::matrix<sutro::scalar, std::allocator<gf2::word>>;
  const S b = S::random(90, 130, 3);
  const auto g = gf2::ple(b);
  CHECK(g.e.rows() == g.rank);
  CHECK(gf2::right_kernel(b).rows() == 130);
  CHECK(gf2::left_kernel(b).cols() == 90);
  const S sq = S::identity(70);
  CHECK(gf2::inverse(sq) == sq);
}

TEST_CASE("gf2 window assign from an overlapping window of the same matrix copies the old values", "[gf2]") {
  // Source rows must be read before the copy overwrites them, in either direction.
  for (std::size_t shift : {1u, 2u, 5u}) {
    const auto before = gf2::matrix<>::random(9, 200, 4 + shift);
    auto down = before, up = before;
    down.window(gf2::row_range{shift, 9}, gf2::col_range{0, 200})
        .assign(down.window(gf2::row_range{0, 9 - shift}, gf2::col_range{0, 200}));
    up.window(gf2::row_range{0, 9 - shift}, gf2::col_range{0, 200})
        .assign(up.window(gf2::row_range{shift, 9}, gf2::col_range{0, 200}));
    for (std::size_t i = 0; i + shift < 9; ++i)
      for (std::size_t j = 0; j < 200; ++j) {
        REQUIRE(down.get(i + shift, j) == before.get(i, j));
        REQUIRE(up.get(i, j) == before.get(i + shift, j));
      }
  }
  // Column windows of the same rows: words overlap inside each row.
  const auto before = gf2::matrix<>::random(5, 256, 9);
  auto right = before;
  right.window(gf2::row_range{0, 5}, gf2::col_range{64, 256})
      .assign(right.window(gf2::row_range{0, 5}, gf2::col_range{0, 192}));
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 192; ++j) REQUIRE(right.get(i, j + 64) == before.get(i, j));
}

TEST_CASE("gf2 operators, printing and comparison take a window on either side", "[gf2]") {
  using M = gf2::matrix<>;
  const M a = M::random(130, 200, 11), b = M::random(136, 70, 12), c = M::random(70, 136, 13);
  const auto w = a.window(gf2::row_range{2, 130}, gf2::col_range{64, 200});  // 128 x 136
  const M wm = w.to_matrix();
  CHECK(w * b == wm * b);  // window on the left
  CHECK(wm * b == w * b);
  CHECK(w.to_matrix() == w);  // matrix == window, window == matrix
  CHECK(w == wm);
  CHECK_FALSE(w == a.window(gf2::row_range{0, 128}, gf2::col_range{64, 200}));
  const M d = M::random(128, 136, 14);
  CHECK(w + d == wm + d);
  CHECK(d + w == wm + d);
  const auto cw = c.window(gf2::row_range{0, 70}, gf2::col_range{0, 136});
  CHECK(cw * b == c * b);  // windows on both sides
  CHECK(cw * b.window(gf2::row_range{0, 136}, gf2::col_range{64, 70}) ==
        c * b.window(gf2::row_range{0, 136}, gf2::col_range{64, 70}).to_matrix());
  gf2::vector<> x(136);
  for (std::size_t j = 0; j < 136; j += 5) x.set(j, true);
  CHECK((w * x) == (wm * x));
  gf2::vector<> y(128);
  for (std::size_t i = 0; i < 128; i += 3) y.set(i, true);
  CHECK((y * w) == (y * wm));
  CHECK(x(5) == x[5]);
  CHECK(w.to_string() == wm.to_string());
  CHECK(w.to_bytes() == wm.to_bytes());
  std::ostringstream os, om;
  os << w;
  om << wm;
  CHECK(os.str() == om.str());
  CHECK(os.str().size() == 128 * 137);
}
