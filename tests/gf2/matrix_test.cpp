#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/memory/scoped_measurement.hpp"
#include "sutro/memory/stats.hpp"

namespace gf2 = sutro::gf2;
using M = gf2::matrix<>;
using V = gf2::vector<>;

TEST_CASE("gf2::matrix layout: padded, aligned rows with zero padding", "[gf2]") {
  for (std::size_t cols : {0u, 1u, 63u, 64u, 65u, 511u, 512u, 513u}) {
    M m = M::random(5, cols, cols + 1);
    INFO("cols = " << cols);
    CHECK(m.words_per_row() % 8 == 0);
    CHECK(m.words_per_row() * 64 >= cols);
    CHECK(m.words_per_row() < (cols + 63) / 64 + 8);
    if (!m.empty()) CHECK(reinterpret_cast<std::uintptr_t>(m.row_words(1).data()) % 64 == 0);
    for (std::size_t i = 0; i < m.rows(); ++i) {
      auto row = m.row_words(i);
      for (std::size_t j = cols; j < row.size() * 64; ++j) REQUIRE(((row[j / 64] >> (j % 64)) & 1u) == 0);
    }
  }
}

TEST_CASE("gf2::matrix element access, text and bytes", "[gf2]") {
  M m = M::from_rows({"0110", "1001", "0000"});
  CHECK(m.rows() == 3);
  CHECK(m.cols() == 4);
  CHECK(m(0, 1));
  CHECK(!m(0, 0));
  m.flip(2, 3);
  m.set(0, 1, false);
  CHECK(m.to_string() == "0010\n1001\n0001\n");
  CHECK(m.to_bytes() == std::vector<std::uint8_t>{0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1});
  CHECK(M::from_bytes(3, 4, m.to_bytes()) == m);
  CHECK(m.weight() == 4);
  m.swap_rows(0, 2);
  CHECK(m.to_string() == "0001\n1001\n0010\n");
  m.xor_row(1, 0);
  CHECK(m.to_string() == "0001\n1000\n0010\n");
  std::ostringstream os;
  os << m;
  CHECK(os.str() == m.to_string());
  CHECK(M::identity(3) == M::from_rows({"100", "010", "001"}));
  CHECK_THROWS_AS(m.get(3, 0), std::out_of_range);
  CHECK_THROWS_AS(m.set(0, 4, true), std::out_of_range);
  CHECK_THROWS_AS(M::from_rows({"01", "011"}), std::invalid_argument);
  CHECK_THROWS_AS(M::from_rows({"02"}), std::invalid_argument);
  CHECK_THROWS_AS(M::from_bytes(1, 2, std::vector<std::uint8_t>{0, 2}), std::invalid_argument);
  CHECK(M::random(70, 70, 5) == M::random(70, 70, 5));
  CHECK(!(M::random(70, 70, 5) == M::random(70, 70, 6)));
}

TEST_CASE("gf2::vector basics", "[gf2]") {
  V v = V::from_string("10110");
  CHECK(v.size() == 5);
  CHECK(v[0]);
  CHECK(!v[1]);
  CHECK(v.weight() == 3);
  v.flip(1);
  CHECK(v.to_string() == "11110");
  CHECK(v.to_bytes() == std::vector<std::uint8_t>{1, 1, 1, 1, 0});
  CHECK(V::from_bytes(v.to_bytes()) == v);
  CHECK((v + v).weight() == 0);
  CHECK_THROWS_AS(v.get(5), std::out_of_range);
  CHECK_THROWS_AS(V::from_string("012"), std::invalid_argument);
  CHECK_THROWS_AS(v += V(6), std::invalid_argument);
}

TEST_CASE("gf2::matrix counts its memory through the accounting allocator", "[gf2]") {
  sutro::memory::stats counter;
  using Alloc = sutro::backend_allocator_t<sutro::default_backend, std::uint64_t>;
  {
    gf2::matrix<sutro::default_backend, Alloc> m(100, 100, Alloc(counter));
    CHECK(counter.snapshot().bytes_in_use == 100 * m.words_per_row() * 8);
    auto p = m * m;  // results inherit the allocator
    CHECK(counter.snapshot().bytes_in_use >= 2 * 100 * m.words_per_row() * 8);
  }
  CHECK(counter.snapshot().bytes_in_use == 0);
}

// window() takes named ranges: M4RI's corner order (four integers), two brace
// pairs, or the ranges swapped do not compile.
template <class Mat>
constexpr bool takes_four_integers = requires(Mat m) {
  m.window(0, 2, 0, 64);
};
template <class Mat>
constexpr bool takes_brace_pairs = requires(Mat m) {
  m.window({0, 2}, {0, 64});
};
template <class Mat>
constexpr bool takes_swapped_ranges = requires(Mat m) {
  m.window(gf2::col_range{0, 64}, gf2::row_range{0, 2});
};
template <class Mat>
constexpr bool takes_named_ranges = requires(Mat m) {
  m.window(gf2::row_range{0, 2}, gf2::col_range{0, 64});
};
static_assert(!takes_four_integers<M> && !takes_four_integers<const M>);
static_assert(!takes_brace_pairs<M> && !takes_swapped_ranges<M>);
static_assert(takes_named_ranges<M> && takes_named_ranges<const M>);
static_assert(!takes_four_integers<gf2::matrix_view<gf2::matrix<>::backend_type>>);

TEST_CASE("gf2 windows behave like copies", "[gf2]") {
  M a = M::random(200, 300, 11);
  auto w = a.window(gf2::row_range{10, 150}, gf2::col_range{64, 300});
  M c = w.to_matrix();
  CHECK(gf2ref::of(w) == gf2ref::of(c));
  CHECK(gf2::rank(w) == gf2::rank(c));
  CHECK(gf2::transpose(w) == gf2::transpose(c));
  M b = M::random(236, 70, 12);
  CHECK(gf2::mul(w, b) == c * b);
  CHECK(gf2::kernel(w) == gf2::kernel(c));
  // Writing through a window changes the parent only inside it.
  M before = a;
  gf2::add_into(a.window(gf2::row_range{0, 64}, gf2::col_range{128, 256}),
                before.window(gf2::row_range{64, 128}, gf2::col_range{0, 128}));
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const bool inside = i < 64 && j >= 128 && j < 256;
      REQUIRE(a(i, j) == (inside ? (before(i, j) != before(i + 64, j - 128)) : before(i, j)));
    }
  CHECK_THROWS_AS(a.window(gf2::row_range{0, 10}, gf2::col_range{1, 64}), std::out_of_range);
  CHECK_THROWS_AS(a.window(gf2::row_range{0, 10}, gf2::col_range{0, 100}), std::out_of_range);
  CHECK_THROWS_AS(a.window(gf2::row_range{0, 201}, gf2::col_range{0, 64}), std::out_of_range);
}

TEST_CASE("gf2 shape mismatches name both shapes", "[gf2]") {
  M a(3, 5), b(4, 6);
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  auto m1 = message([&] { (void)(a * b); });
  CHECK(m1.find("3x5") != std::string::npos);
  CHECK(m1.find("4x6") != std::string::npos);
  auto m2 = message([&] { (void)(a + b); });
  CHECK(m2.find("3x5") != std::string::npos);
  CHECK(m2.find("4x6") != std::string::npos);
  auto m3 = message([&] { (void)gf2::solve(a, b); });
  CHECK(m3.find("3x5") != std::string::npos);
  CHECK(m3.find("4x6") != std::string::npos);
  CHECK_THROWS_AS(a * V(4), std::invalid_argument);
  CHECK_THROWS_AS(V(4) * a, std::invalid_argument);
  CHECK_THROWS_AS(gf2::solve(a, V(4)), std::invalid_argument);
  CHECK_THROWS_AS(gf2::inverse(a), std::invalid_argument);
  M c(3, 6);
  CHECK_THROWS_AS(gf2::mul_add(c, a, b), std::invalid_argument);
  const auto m4 = message([&] { gf2::mul_add(c, a, b); });
  CHECK(m4.rfind("sutro::gf2::mul_add: cannot multiply 3x5 by 4x6", 0) == 0);
  M sq = M::random(64, 64, 1);
  CHECK_THROWS_AS(gf2::mul_add(sq, sq, M::identity(64)), std::invalid_argument);  // aliasing
}

TEST_CASE("gf2::release_workspace frees the product's buffers and products still work", "[gf2]") {
  M a = M::random(300, 300, 1), b = M::random(300, 300, 2);
  M c = a * b;
  gf2::release_workspace();
  CHECK(a * b == c);
  gf2::release_workspace();
  gf2::release_workspace();
}

TEST_CASE("gf2 kernel scratch memory shows up in memory::scoped_measurement", "[gf2]") {
  // The product's packing buffers and the elimination's tables are counted in
  // memory::default_stats(), like the matrices' default storage.
  M a = M::random(300, 300, 1), b = M::random(300, 300, 2);
  const std::uint64_t result_bytes = 300 * a.words_per_row() * 8;
  gf2::release_workspace();
  sutro::memory::scoped_measurement region;
  { M c = a * b; }
  const auto used = region.current();
  CHECK(used.peak_bytes >= result_bytes);
#if SUTRO_SIMD_ENABLED
  if (std::is_same_v<sutro::default_backend, sutro::simd> &&
      sutro::cpu::active_level() == sutro::cpu::level::avx512_gfni) {
    // Kept for the next product: A, B and C packed, at least 3 x 300 x 320 bits.
    CHECK(used.net_bytes >= 3 * 300 * 320 / 8);
    CHECK(used.peak_bytes >= result_bytes + 3 * 300 * 320 / 8);
  }
#endif
  gf2::release_workspace();
  CHECK(region.current().net_bytes == 0);
#if SUTRO_SIMD_ENABLED
  // M4RI-style elimination: eight 256-entry tables per pass, 8 words wide for
  // 300 columns, kept for the next pass and call until release_workspace.
  const gf2::matrix<sutro::simd> e = gf2::matrix<sutro::simd>::random(300, 300, 3);
  sutro::memory::scoped_measurement elim_region;
  (void)gf2::rank(e);
  const auto elim = elim_region.current();
  CHECK(elim.bytes_allocated >= 8 * 256 * 8 * 8);
  CHECK(elim.net_bytes >= 8 * 256 * 8 * 8);
  const auto again = sutro::memory::measure([&] { (void)gf2::rank(e); });
  CHECK(again.bytes_allocated < 8 * 256 * 8 * 8);  // the kept tables, not new ones
  gf2::release_workspace();
  CHECK(elim_region.current().net_bytes == 0);
#endif
}

TEST_CASE("gf2 elimination keeps its L per thread until release_workspace, and a kept one gives the same forms",
          "[gf2]") {
  // 5120 x 5120: the plain form runs the recursive PLE there (simd levels),
  // whose L (5120 x 5120 bits) is the kept buffer.
  constexpr std::size_t n = 5120;
  const M full = M::random(n, n, 4);
  const M low = M::random(n, 700, 5) * M::random(700, n, 6);  // rank 700: L mostly zero columns
  gf2::release_workspace();
  M fresh_full = full, fresh_low = low;
  const auto info_full = gf2::echelonize(fresh_full, false);
  gf2::release_workspace();
  const auto info_low = gf2::echelonize(fresh_low, false);
  // Reused (and written by the full-rank run) before each of these:
  M kept_full = full, kept_low = low;
  CHECK(gf2::echelonize(kept_full, false).pivots == info_full.pivots);
  CHECK(kept_full == fresh_full);
  CHECK(gf2::echelonize(kept_low, false).pivots == info_low.pivots);
  CHECK(kept_low == fresh_low);
  CHECK(info_low.rank == 700);
#if SUTRO_SIMD_ENABLED
  if (std::is_same_v<sutro::default_backend, sutro::simd>) {
    gf2::release_workspace();
    sutro::memory::scoped_measurement region;
    M a = full;
    (void)gf2::echelonize(a, false);
    CHECK(region.current().net_bytes >= std::int64_t{n * n / 8 + n * n / 8});  // a and the kept L
    gf2::release_workspace();
    CHECK(region.current().net_bytes <= std::int64_t{n * (n / 8 + 64)});  // a only
  }
#endif
}
